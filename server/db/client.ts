// The Prisma client (through @prisma/adapter-pg) and the pg pool under it.
// `db` is bound once by connectDatabase() and imported wherever it is needed.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

export { Prisma } from './generated/prisma/client.js';
export type { PrismaClient };

export let db: PrismaClient = undefined as unknown as PrismaClient;
export let pool: pg.Pool = undefined as unknown as pg.Pool;

/** Counts SQL statements sent through the pool; tests use it to prove a page costs a constant number of queries. */
export const statementCounter = { count: 0 };

export function connectDatabase(url: string, poolSize = 10): PrismaClient {
  pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'brightrun' });
  pool.on('error', () => {}); // a dropped idle connection is replaced on next use
  pool.on('connect', (client) => {
    const q = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statementCounter.count++;
      return q(...args);
    };
  });
  db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return db;
}

export async function disconnectDatabase(): Promise<void> {
  await db?.$disconnect();
  await pool?.end().catch(() => {});
}
