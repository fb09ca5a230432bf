// The stack an HTTP benchmark measures: its own embedded PostgreSQL (migrated), a simulated GPU provider and
// the app, on free ports in a temporary folder. close() stops and removes all of it, whatever had started.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../server/app/app.js';
import { loadConfig } from '../../server/config.js';
import { connectDatabase, disconnectDatabase } from '../../server/db/client.js';
import { freePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../../server/db/embedded-postgres.js';
import { migrate } from '../../server/db/migrate.js';
import { startSimulatedProvider, type SimulatedProvider } from '../../server/gpu/simulated/service.js';

export interface BenchStack {
  databaseUrl: string;
  /** The app's base URL. */
  url: string;
  app: App;
  close(): Promise<void>;
}

/**
 * `durable`: PostgreSQL keeps fsync on, as in production (for figures that include commits); otherwise it is
 * off, to seed large tables fast. `env` adds to or overrides the app's configuration.
 */
export async function startBenchStack(name: string, options: { durable?: boolean; env?: Record<string, string> } = {}): Promise<BenchStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `brightrun-bench-${name}-`));
  let postgres: EmbeddedPostgres | null = null;
  let gpu: SimulatedProvider | null = null;
  let app: App | null = null;
  const close = async () => {
    await app?.stop().catch(() => {});
    await disconnectDatabase().catch(() => {});
    await gpu?.close().catch(() => {});
    await postgres?.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    postgres = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      port: await freePort(),
      settings: options.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    await migrate(postgres.url);
    gpu = await startSimulatedProvider({ port: 0, speedFactor: 1000 });
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATA_DIR: path.join(dir, 'data'),
      DATABASE_URL: postgres.url,
      SERVER_SECRET: randomBytes(32).toString('hex'),
      SIMULATED_GPU_URL: gpu.url,
      LOG_LEVEL: 'silent',
      GRAPHIQL: 'false',
      // A fleet of subscribers is one user's many sockets.
      MAX_CONNECTIONS_PER_USER: '100000',
      ...options.env,
    });
    connectDatabase(postgres.url, config.database.poolSize);
    app = await buildApp(config, { databaseUrl: postgres.url });
    return { databaseUrl: postgres.url, url: await app.start(), app, close };
  } catch (err) {
    await close();
    throw err;
  }
}
