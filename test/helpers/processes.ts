// Real processes for tests that need several servers or a server that dies:
// spawns server/app/main.ts and the simulated GPU provider as child processes,
// waits until they serve, and never leaves one behind (afterAll stops them,
// a failed test prints their output, and process exit SIGKILLs stragglers).
//
// Children run as `node --import tsx <file>`, not through the `tsx` CLI: the
// CLI is a wrapper process, so a SIGKILL would kill the wrapper and orphan the
// real server. One process per server makes signals mean what the test says.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import { afterAll, afterEach, inject } from 'vitest';
import { variables } from '../../server/config.js';
import { freePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../../server/db/embedded-postgres.js';
import { migrate } from '../../server/db/migrate.js';
import { PrismaClient } from '../../server/db/generated/prisma/client.js';
import type { SimulatedFaults } from '../../server/gpu/provider.js';
import type { TestApp } from './app.js';
import { createUserWith, type TestUser } from './factories.js';
import { graphqlClient, type GraphqlClient, type TypedDocumentNode } from './graphql-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE = fs.existsSync(path.join(ROOT, 'node_modules/.bin/node')) ? path.join(ROOT, 'node_modules/.bin/node') : process.execPath;
const MAX_OUTPUT_LINES = 20_000;

/** The server's environment variables, by the names server/config.ts reads. */
export type ServerEnv = Partial<Record<keyof typeof variables, string>>;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildHandle {
  name: string;
  pid: number;
  /** Resolves once the process has exited. */
  exited: Promise<ExitStatus>;
  running(): boolean;
  /** Every line it printed (stdout and stderr), oldest first. */
  lines(): string[];
  /** Resolves with the first line (already printed or to come) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Its live descendants (an embedded PostgreSQL and its backends), by pid. */
  descendants(): number[];
  /** Sends the signal and waits for the exit; SIGKILL (of it and its descendants) after timeoutMs. */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitStatus>;
}

export interface SimulatorProcess extends ChildHandle {
  url: string;
  port: number;
  /** Replaces the global faults through the admin route. */
  setFaults(faults: SimulatedFaults): Promise<void>;
  /** How many times the provider accepted a submission for this job (our raw job id). */
  submissions(jobId: string): number;
}

export interface ServerProcess extends ChildHandle, GraphqlClient {
  /** Base URL; '' for ROLE=worker, which serves no HTTP. */
  url: string;
  port: number;
  /** The whole environment it was given: start another with the same to replace it. */
  env: ServerEnv;
  /** For the helpers in datasets.ts and training.ts, which only use the client. */
  asTestApp(): TestApp;
}

export interface SimulatorOptions {
  port?: number;
  speed?: number;
  stepIntervalMs?: number;
  batchSize?: number;
}

/** A PostgreSQL of the test's own (embedded), which the test may stop and start again on the same data and port. */
export interface DatabaseProcess {
  url: string;
  port: number;
  dataDir: string;
  running(): boolean;
  stop(): Promise<void>;
  /** Starts it again on the same data folder and port. */
  start(): Promise<void>;
}

export interface Processes {
  /** SERVER_SECRET of every server in the group: tokens signed by one verify on all. */
  secret: string;
  databaseUrl: string;
  /** QUEUE_SCHEMA of the group's servers: another file's workers never take this group's queue jobs. */
  queueSchema: string;
  /** DATA_DIR shared by the group's servers (the local storage is their common bucket). */
  dataDir: string;
  startSimulator(options?: SimulatorOptions): Promise<SimulatorProcess>;
  /** Starts server/app/main.ts with the group's defaults under `env`; '' unsets a variable. Resolves once it serves. */
  startServer(env?: ServerEnv, options?: { name?: string; readyTimeoutMs?: number }): Promise<ServerProcess>;
  /** Runs a script (`scripts/migrate.ts`, `server/app/main.ts`) to its exit under `env` alone (no group defaults). */
  runToExit(args: string[], env: ServerEnv, timeoutMs?: number): Promise<{ status: ExitStatus; lines: string[] }>;
  /** A migrated embedded PostgreSQL of this group's own (the shared test database is never restarted). */
  startDatabase(): Promise<DatabaseProcess>;
  /** A new local user, created by its first request to `server`. */
  createUser(server: ServerProcess): Promise<TestUser>;
  stopAll(): Promise<void>;
}

// Every child of this test file, so that nothing survives it whatever happens.
const live = new Set<ChildHandle>();
const databases = new Set<string>();
process.once('exit', () => {
  for (const child of live) for (const pid of [...child.descendants(), child.pid]) signal(pid, 'SIGKILL');
  // SIGQUIT: PostgreSQL's immediate shutdown, which also ends its backends.
  for (const dataDir of databases) {
    const pid = postmasterPid(dataDir);
    if (pid) signal(pid, 'SIGQUIT');
  }
});

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Alive and not a zombie (a reparented zombie may never be reaped in a container). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Live descendants of pid, from /proc (Linux). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const list = children.get(Number(ppid)) ?? [];
      list.push(Number(entry));
      children.set(Number(ppid), list);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function spawnChild(name: string, args: string[], env: NodeJS.ProcessEnv): ChildHandle {
  const child: ChildProcess = spawn(NODE, ['--import', 'tsx', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const onData = (stream: 'out' | 'err') => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(stream === 'err' ? `[stderr] ${line}` : line);
        if (lines.length > MAX_OUTPUT_LINES) lines.shift();
        for (const watch of watchers) watch(line);
      }
    };
  };
  child.stdout!.on('data', onData('out'));
  child.stderr!.on('data', onData('err'));
  const exited = new Promise<ExitStatus>((resolve) => child.once('exit', (code, sig) => resolve({ code, signal: sig })));
  let done = false;
  const handle: ChildHandle = {
    name,
    pid: child.pid!,
    exited,
    running: () => !done,
    lines: () => [...lines],
    waitForLine(pattern, timeoutMs = 30_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        const watch = (line: string) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          resolve(line);
        };
        watchers.add(watch);
      });
    },
    descendants: () => (done ? [] : descendantsOf(child.pid!)),
    async kill(sig = 'SIGTERM', timeoutMs = 10_000) {
      if (done) return exited;
      const family = descendantsOf(child.pid!);
      signal(child.pid!, sig);
      const timer = setTimeout(() => {
        for (const pid of [child.pid!, ...family]) signal(pid, 'SIGKILL');
      }, timeoutMs);
      const status = await exited;
      clearTimeout(timer);
      return status;
    },
  };
  void exited.then(() => {
    done = true;
    live.delete(handle);
  });
  live.add(handle);
  return handle;
}

/** Resolves when GET url answers 200; rejects when the process exits first or the time runs out. */
async function waitUntilServing(child: ChildHandle, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!child.running()) throw new Error(`${child.name} exited before serving:\n${child.lines().slice(-30).join('\n')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${child.name} did not serve ${url} within ${timeoutMs} ms (${last}):\n${child.lines().slice(-30).join('\n')}`);
}

/** Our process's environment without anything server/config.ts reads, so only what a test gives applies. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(variables)) delete env[name];
  return env;
}

/**
 * A group of processes for one test file: registers afterAll (stop them all)
 * and afterEach (print their output when the test failed). Call at module level.
 */
export function useProcesses(options: { databaseUrl?: string } = {}): Processes {
  const secret = randomBytes(32).toString('hex');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-process-'));
  const mine: ChildHandle[] = [];
  const ownDatabases: DatabaseProcess[] = [];
  const clients: ReturnType<typeof graphqlClient>[] = [];
  const databaseUrl = options.databaseUrl ?? inject('databaseUrl');
  const queueSchema = `pgboss_process_${randomBytes(4).toString('hex')}`;

  const group: Processes = {
    secret,
    databaseUrl,
    queueSchema,
    dataDir,

    async startSimulator(opts = {}) {
      const port = opts.port ?? (await freePort());
      const args = ['server/gpu/simulated/main.ts', '--port', String(port), '--speed', String(opts.speed ?? 1000)];
      if (opts.stepIntervalMs !== undefined) args.push('--step-interval-ms', String(opts.stepIntervalMs));
      if (opts.batchSize !== undefined) args.push('--batch-size', String(opts.batchSize));
      const child = spawnChild(`simulator:${port}`, args, baseEnv());
      mine.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitUntilServing(child, `${url}/healthz`, 30_000);
      return {
        ...child,
        url,
        port,
        async setFaults(faults) {
          const res = await fetch(`${url}/v1/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
          if (!res.ok) throw new Error(`setting faults failed: ${res.status} ${await res.text()}`);
        },
        submissions(jobId) {
          return child
            .lines()
            .filter((l) => l.includes('simulated job submitted'))
            .filter((l) => (JSON.parse(l) as { jobId?: string }).jobId === jobId).length;
        },
      };
    },

    async startServer(overrides = {}, { name, readyTimeoutMs = 60_000 } = {}) {
      const port = overrides.PORT ? Number(overrides.PORT) : await freePort();
      const env: ServerEnv = {
        NODE_ENV: 'test',
        ROLE: 'all',
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        SERVER_SECRET: secret,
        QUEUE_SCHEMA: queueSchema,
        // A worker serves no HTTP: it says it started at info level.
        LOG_LEVEL: overrides.ROLE === 'worker' ? 'info' : 'warn',
        // Never the fixed defaults (4010, 54329), which another run may hold.
        EMBEDDED_PG_PORT: String(await freePort()),
        SIMULATED_GPU_PORT: String(await freePort()),
        ...overrides,
      };
      const role = env.ROLE ?? 'all';
      const child = spawnChild(name ?? `${role}:${port}`, ['server/app/main.ts'], { ...baseEnv(), ...env });
      mine.push(child);
      if (role === 'worker') {
        await Promise.race([
          child.waitForLine(/"msg":"worker started"/, readyTimeoutMs),
          child.exited.then(() => {
            throw new Error(`${child.name} exited before starting:\n${child.lines().slice(-30).join('\n')}`);
          }),
        ]);
      } else await waitUntilServing(child, `http://127.0.0.1:${port}/healthz`, readyTimeoutMs);
      const url = role === 'worker' ? '' : (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`);
      const client = graphqlClient(url);
      clients.push(client);
      const server: ServerProcess = {
        ...child,
        url,
        port,
        env,
        ...client,
        // The dataset and training helpers type their first argument as TestApp but use only url, gql and ws.
        asTestApp: () => ({ url, ...client }) as unknown as TestApp,
      };
      return server;
    },

    async runToExit(args, env, timeoutMs = 60_000) {
      const child = spawnChild(`run:${args[0]}`, args, { ...baseEnv(), ...env });
      mine.push(child);
      const timer = setTimeout(() => void child.kill('SIGKILL'), timeoutMs);
      const status = await child.exited;
      clearTimeout(timer);
      return { status, lines: child.lines() };
    },

    async startDatabase() {
      const pgDir = path.join(dataDir, `postgres-${ownDatabases.length}`);
      const port = await freePort();
      // Durability is not what these tests check; speed is welcome.
      const boot = () => startEmbeddedPostgres({ dataDir: pgDir, port, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
      let pg: EmbeddedPostgres | null = await boot();
      databases.add(pgDir);
      await migrate(pg.url);
      const handle: DatabaseProcess = {
        url: pg.url,
        port,
        dataDir: pgDir,
        running: () => pg !== null,
        async stop() {
          await pg?.stop();
          pg = null;
        },
        async start() {
          pg ??= await boot();
        },
      };
      ownDatabases.push(handle);
      return handle;
    },

    createUser: (server) => createUserWith(server, secret),

    async stopAll() {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await Promise.all(mine.splice(0).map((c) => c.kill('SIGTERM', 5_000)));
      for (const database of ownDatabases.splice(0)) {
        await database.stop();
        databases.delete(database.dataDir);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };

  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const child of mine) console.error(`\n----- ${child.name} (pid ${child.pid}) -----\n${child.lines().slice(-80).join('\n')}`);
  });
  afterAll(() => group.stopAll(), 30_000);
  return group;
}

export interface Received<T> {
  /** Date.now() when it arrived. */
  at: number;
  data: T;
}

/**
 * Subscribes over graphql-ws and collects every result with its arrival time,
 * until the server completes the stream or `done` says so; rejects on an error
 * result, a closed socket or the timeout (onResult sees each result as it comes,
 * so a caller keeps what arrived before a failure).
 */
export function collectSubscription<T, V extends Record<string, unknown> = Record<string, unknown>>(
  client: Client,
  document: string | TypedDocumentNode<T, V>,
  variables: V,
  { done = () => false, timeoutMs = 60_000, onResult }: { done?: (all: T[]) => boolean; timeoutMs?: number; onResult?: (data: T) => void } = {},
): Promise<Received<T>[]> {
  return new Promise((resolve, reject) => {
    const seen: Received<T>[] = [];
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      unsubscribe();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${seen.length} results: ${JSON.stringify(seen.at(-1)?.data)?.slice(0, 300)}`))), timeoutMs);
    const unsubscribe = client.subscribe<T>(
      { query: typeof document === 'string' ? document : print(document), variables },
      {
        next: (result) => {
          if (result.errors) return finish(() => reject(new Error(JSON.stringify(result.errors))));
          seen.push({ at: Date.now(), data: result.data as T });
          onResult?.(result.data as T);
          if (done(seen.map((s) => s.data))) finish(() => resolve(seen));
        },
        error: (err) => finish(() => reject(err instanceof Error ? err : new Error(`subscription ended: ${JSON.stringify(err)} (code ${(err as { code?: number }).code})`))),
        complete: () => finish(() => resolve(seen)),
      },
    );
  });
}

/** A Prisma client of the test's own, for looking at a database the servers under test use. */
export function openDatabase(url: string): { db: PrismaClient; pool: pg.Pool; close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {}); // the database may be restarted under us
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    pool,
    async close() {
      await db.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

/** The raw uuid inside a Relay global id. */
export const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

/** Polls `probe` until it gives a truthy value, which it returns; throws after timeoutMs. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
