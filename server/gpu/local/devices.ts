// The devices local training runs on, one job per device at a time. A device is held by a lock file,
// <root>/devices/<device>.lock, naming the job on it; every process on the machine sees the same locks.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** CUDA device numbers nvidia-smi lists, or ['cpu'] where there is no NVIDIA GPU (or no driver). */
export function detectDevices(): string[] {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=index', '--format=csv,noheader'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const devices = out
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^\d+$/.test(line));
    return devices.length > 0 ? devices : ['cpu'];
  } catch {
    return ['cpu'];
  }
}

export class DeviceLocks {
  private readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(root, 'devices');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  private file(device: string): string {
    return path.join(this.dir, `${device}.lock`);
  }

  /** The job holding the device, or null. */
  holder(device: string): string | null {
    try {
      return fs.readFileSync(this.file(device), 'utf8').trim() || null;
    } catch {
      return null;
    }
  }

  /** Takes the device for a job; false when another job holds it. Atomic across processes. */
  claim(device: string, externalId: string): boolean {
    try {
      fs.writeFileSync(this.file(device), externalId, { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  /** Frees the device if this job holds it. The lock is renamed away first, so two processes freeing it at once cannot remove a new holder's lock. */
  release(device: string, externalId: string): void {
    if (this.holder(device) !== externalId) return;
    const aside = `${this.file(device)}.${randomUUID()}.released`;
    try {
      fs.renameSync(this.file(device), aside);
    } catch {
      return; // another process freed it first
    }
    if (fs.readFileSync(aside, 'utf8').trim() === externalId) fs.rmSync(aside, { force: true });
    else fs.renameSync(aside, this.file(device)); // it was already someone else's: put it back
  }
}
