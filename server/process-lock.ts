// One server per data folder: a second `npm start` on the same .data would
// fight the first over the embedded PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';

export class AlreadyRunningError extends Error {
  override name = 'AlreadyRunningError';
}

/** Whether a process with this id runs (EPERM: it does, as another user's); for pid files a killed process left. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'server.pid');
  const other = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : NaN;
  if (Number.isInteger(other) && other !== process.pid && isAlive(other)) {
    throw new AlreadyRunningError(`Another server (pid ${other}) is already running with the data folder ${dataDir}. Stop it first, or set DATA_DIR to another folder.`);
  }
  fs.writeFileSync(file, String(process.pid));
  return () => {
    if (fs.existsSync(file) && Number(fs.readFileSync(file, 'utf8')) === process.pid) fs.rmSync(file);
  };
}
