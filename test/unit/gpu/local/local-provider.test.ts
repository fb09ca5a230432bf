// The local provider's process management, with a stand-in trainer (fake-trainer.sh): one job per device and
// the rest queued in order, status from the job folder, cancel (SIGTERM, then SIGKILL), crashes, and a
// restarted worker re-attaching to a running trainer or failing one that is gone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalProvider, TrainerNotInstalledError, type LocalProviderOptions } from '../../../../server/gpu/local/provider.js';
import { JobFolder } from '../../../../server/gpu/local/job-folder.js';
import { ProviderRejectedError, type GpuProvider, type ProviderStatus } from '../../../../server/gpu/provider.js';
import { submitRequest, waitFor } from '../helpers.js';

const FAKE_TRAINER = fileURLToPath(new URL('./fake-trainer.sh', import.meta.url));
const roots: string[] = [];
const providers: GpuProvider[] = [];

function options(overrides: Partial<LocalProviderOptions> = {}): LocalProviderOptions {
  const root = overrides.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-local-provider-'));
  roots.push(root);
  return {
    root,
    python: FAKE_TRAINER,
    trainerDir: os.tmpdir(),
    devices: 'cpu',
    cancelGraceSeconds: 30,
    modelCache: null,
    hfToken: null,
    hourlyRateUsd: '0.25',
    runsJobs: true,
    ...overrides,
  };
}

function provider(overrides: Partial<LocalProviderOptions> = {}): GpuProvider {
  const created = createLocalProvider(options(overrides));
  providers.push(created);
  return created;
}

function request(mode: 'complete' | 'crash' | 'hang' | 'ignore-term') {
  return submitRequest('http://127.0.0.1:9', { baseModel: { id: `fake/${mode}`, parametersB: 0.001, hiddenSize: 64, numLayers: 2 } });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

const untilState = (gpu: GpuProvider, id: string, state: ProviderStatus['state'], timeoutMs = 8000) =>
  waitFor(async () => {
    const status = await gpu.status(id, 0);
    return status.state === state ? status : undefined;
  }, timeoutMs);

afterEach(async () => {
  // No stand-in outlives its test.
  for (const root of roots) {
    const jobs = path.join(root, 'jobs');
    if (!fs.existsSync(jobs)) continue;
    for (const id of fs.readdirSync(jobs)) {
      const pid = new JobFolder(root, id).readMeta()?.pid;
      if (pid) killGroup(pid);
    }
  }
});

afterAll(async () => {
  for (const gpu of providers) await gpu.close?.();
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

vi.setConfig({ testTimeout: 20_000 });

describe('local provider', () => {
  it('refuses to start without the trainer environment, saying how to make it', () => {
    expect(() => createLocalProvider(options({ python: '/nonexistent/python' }))).toThrow(TrainerNotInstalledError);
    expect(() => createLocalProvider(options({ python: '/nonexistent/python' }))).toThrow(/npm run trainer:setup/);
    // An API-only process takes callbacks and never starts a trainer: it needs no Python.
    expect(createLocalProvider(options({ python: '/nonexistent/python', runsJobs: false })).name).toBe('local');
  });

  it('prices by its configured rate and cannot quantise on the CPU', () => {
    const gpu = provider();
    expect(gpu.hourlyRateUsd).toBe('0.25');
    expect(gpu.quantization).toBe(false);
    expect(provider({ devices: ['0'] }).quantization).toBe(true);
  });

  it('runs a job to completion and serves its points from the job folder', async () => {
    const gpu = provider();
    const { externalId } = await gpu.submit(request('complete'));
    const done = await untilState(gpu, externalId, 'COMPLETED');
    expect(done.points.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    expect((await gpu.status(externalId, 3)).points.map((p) => p.step)).toEqual([4, 5]);
    expect(done.startedAt).not.toBeNull();
  });

  it('runs one job per device; the next starts when the device is free, in submission order', async () => {
    const gpu = provider();
    const first = await gpu.submit(request('hang'));
    const second = await gpu.submit(request('complete'));
    const third = await gpu.submit(request('complete'));
    await untilState(gpu, first.externalId, 'RUNNING');
    expect((await gpu.status(second.externalId, 0)).state).toBe('QUEUED');
    expect((await gpu.status(third.externalId, 0)).state).toBe('QUEUED');

    expect((await gpu.cancel(first.externalId)).state).toBe('RUNNING'); // asked to stop; not yet stopped
    await untilState(gpu, first.externalId, 'CANCELLED');
    await untilState(gpu, second.externalId, 'COMPLETED');
    expect((await gpu.status(third.externalId, 0)).state).not.toBe('QUEUED');
    await untilState(gpu, third.externalId, 'COMPLETED');
  });

  it('uses every device it is given at once', async () => {
    process.env.SERVER_SECRET = 'a-server-secret-the-trainer-must-never-see';
    const gpu = provider({ devices: ['0', '1'] });
    const a = await gpu.submit(request('hang'));
    const b = await gpu.submit(request('hang'));
    await untilState(gpu, a.externalId, 'RUNNING');
    await untilState(gpu, b.externalId, 'RUNNING');
    const root = roots.at(-1)!;
    const devices = [a, b].map(({ externalId }) => new JobFolder(root, externalId).readMeta()?.device).sort();
    expect(devices).toEqual(['0', '1']);
    // Each trainer sees only its own GPU, and none of the server's environment.
    const log = fs.readFileSync(new JobFolder(root, a.externalId).logPath, 'utf8');
    expect(log).toMatch(/on device '[01]', secret: none/);
    delete process.env.SERVER_SECRET;
  });

  it('cancels a queued job without starting it', async () => {
    const gpu = provider();
    const running = await gpu.submit(request('hang'));
    const queued = await gpu.submit(request('complete'));
    expect((await gpu.cancel(queued.externalId)).state).toBe('CANCELLED');
    expect((await gpu.status(queued.externalId, 0)).state).toBe('CANCELLED');
    await gpu.cancel(running.externalId);
    await untilState(gpu, running.externalId, 'CANCELLED');
    expect(new JobFolder(roots.at(-1)!, queued.externalId).readMeta()?.pid).toBeUndefined();
  });

  it('kills a trainer that ignores SIGTERM once the grace period is over', async () => {
    const gpu = provider({ cancelGraceSeconds: 1 });
    const { externalId } = await gpu.submit(request('ignore-term'));
    await untilState(gpu, externalId, 'RUNNING');
    expect((await gpu.cancel(externalId)).state).toBe('RUNNING');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await gpu.cancel(externalId)).state).toBe('CANCELLED');
    const pid = new JobFolder(roots.at(-1)!, externalId).readMeta()!.pid!;
    await waitFor(() => spawnSync('kill', ['-0', String(pid)]).status !== 0);
  });

  it('fails a job whose trainer crashed, with its exit code and last output', async () => {
    const gpu = provider();
    const { externalId } = await gpu.submit(request('crash'));
    const failed = await untilState(gpu, externalId, 'FAILED');
    expect(failed.error?.code).toBe('TRAINER_EXITED');
    expect(failed.error?.message).toMatch(/exited with code 3/);
    expect(failed.error?.message).toMatch(/Traceback: something broke/);
  });

  it('re-attaches in another process to a trainer that is still running', async () => {
    const first = provider();
    const { externalId } = await first.submit(request('hang'));
    await untilState(first, externalId, 'RUNNING');
    // A worker that restarted: a new provider on the same folder.
    const restarted = provider({ root: roots.at(-1)! });
    const status = await waitFor(async () => {
      const s = await restarted.status(externalId, 0);
      return s.points.length === 5 ? s : undefined;
    });
    expect(status.state).toBe('RUNNING');
    await restarted.cancel(externalId);
    await untilState(restarted, externalId, 'CANCELLED');
  });

  it('fails a job whose trainer is gone with no result, as lost', async () => {
    const gpu = provider();
    const root = roots.at(-1)!;
    const { externalId } = await gpu.submit(request('hang'));
    await untilState(gpu, externalId, 'RUNNING');
    const job = new JobFolder(root, externalId);
    const meta = job.readMeta()!;
    // As if the trainer died while no worker watched it: a pid that is gone, no exit recorded.
    const gone = spawnSync('true').pid;
    killGroup(meta.pid!);
    await waitFor(() => job.readMeta()?.exit !== undefined);
    job.writeMeta({ ...job.readMeta()!, pid: gone, exit: undefined });
    const failed = await provider({ root }).status(externalId, 0);
    expect(failed.state).toBe('FAILED');
    expect(failed.error?.code).toBe('TRAINER_LOST');
  });

  it('answers a job it does not know as rejected', async () => {
    const gpu = provider();
    await expect(gpu.status('local-00000000-0000-0000-0000-000000000000', 0)).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(gpu.cancel('../../etc')).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(
      gpu.openArtifact({ name: 'adapter_model.safetensors', url: 'http://x/y', size: 1, sha256: 'a'.repeat(64), contentType: 'application/octet-stream' }),
    ).rejects.toBeInstanceOf(ProviderRejectedError);
  });
});
