// The Prisma client (through @prisma/adapter-pg) and the pg pool under it.
// `db` is bound by connectDatabase() and imported wherever it is needed: one database per process, so the
// process connects it once (server/app/main.ts, the test and bench helpers) and every app in it uses that one.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

export { Prisma } from './generated/prisma/client.js';
export type { PrismaClient };

export let db: PrismaClient = undefined as unknown as PrismaClient;
export let pool: pg.Pool = undefined as unknown as pg.Pool;
/**
 * Connections of their own for the coalesced statements that store provider reports (server/training/apply-report.ts):
 * a callback never waits for a connection behind the polls, reads and queue work that fill `pool` on a busy server.
 */
export let reportPool: pg.Pool = undefined as unknown as pg.Pool;
/** reportPool's connections: as many as apply-report keeps statements in flight. */
export const REPORT_POOL_SIZE = 4;
/** The URL db and pool are connected to; null before connectDatabase and after disconnectDatabase. */
let connectedUrl: string | null = null;

/** Counts SQL statements sent through the pool; tests use it to prove a page costs a constant number of queries. */
export const statementCounter = { count: 0 };

/** A URL fit for a message: the password, if any, is masked. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable URL)';
  }
}

/** db and pool are process-wide: a second connection would silently replace the first under everyone using it. */
export class DatabaseAlreadyConnectedError extends Error {
  override name = 'DatabaseAlreadyConnectedError';
  readonly connectedUrl: string;
  readonly requestedUrl: string;
  constructor(connectedUrl: string, requestedUrl: string) {
    const [connected, requested] = [withoutPassword(connectedUrl), withoutPassword(requestedUrl)];
    super(
      `This process is already connected to the database ${connected}, so it cannot connect to ${requested}: ` +
        'db and pool are process-wide. Call disconnectDatabase() first, or let every app in the process use the one connected.',
    );
    this.connectedUrl = connected;
    this.requestedUrl = requested;
  }
}

export class DatabaseNotConnectedError extends Error {
  override name = 'DatabaseNotConnectedError';
  constructor(url: string) {
    super(`No database is connected in this process: call connectDatabase(${JSON.stringify(withoutPassword(url))}) before building the app.`);
  }
}

/** Connects db and pool; throws DatabaseAlreadyConnectedError while another connection is open (even to the same URL). */
export function connectDatabase(url: string, poolSize = 10): PrismaClient {
  if (connectedUrl !== null) throw new DatabaseAlreadyConnectedError(connectedUrl, url);
  pool = countedPool(url, poolSize);
  reportPool = countedPool(url, REPORT_POOL_SIZE);
  db = new PrismaClient({ adapter: new PrismaPg(pool) });
  connectedUrl = url;
  return db;
}

function countedPool(url: string, max: number): pg.Pool {
  const made = new pg.Pool({ connectionString: url, max, application_name: 'brightrun' });
  made.on('error', () => {}); // a dropped idle connection is replaced on next use
  made.on('connect', (client) => {
    const q = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statementCounter.count++;
      return q(...args);
    };
  });
  return made;
}

/** Checks that db and pool are connected to `url`, the database an app was given; throws otherwise. */
export function requireDatabase(url: string): void {
  if (connectedUrl === null) throw new DatabaseNotConnectedError(url);
  if (connectedUrl !== url) throw new DatabaseAlreadyConnectedError(connectedUrl, url);
}

/** Closes the connection; connectDatabase may then connect again. Does nothing when none is open. */
export async function disconnectDatabase(): Promise<void> {
  if (connectedUrl === null) return;
  connectedUrl = null;
  await db.$disconnect();
  await pool.end().catch(() => {});
  await reportPool.end().catch(() => {});
}
