// Starts the real app (HTTP + graphql-ws + workers) on a free port against the
// test run's PostgreSQL, and gives tests small clients for it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../server/app/app.js';
import { afterAll, beforeAll, inject } from 'vitest';
import { loadConfig, type Config } from '../../server/config.js';
import { connectDatabase, disconnectDatabase } from '../../server/db/client.js';
import { startSimulatedProvider, type SimulatedProvider } from '../../server/gpu/simulated/service.js';
import type { Logger } from '../../server/log.js';
import { graphqlClient, type GraphqlClient } from './graphql-client.js';

export { wsCollect, wsOnce, type GraphQLErrorJson, type GraphQLErrors, type Untyped } from './graphql-client.js';

export interface TestApp extends GraphqlClient {
  app: App;
  config: Config;
  url: string;
  /** The simulated GPU provider this app talks to (started for it unless SIMULATED_GPU_URL was given). */
  gpu: SimulatedProvider | null;
  stop(): Promise<void>;
}

/** Apps running in this test file: they share the process's one database connection, closed with the last. */
let appsRunning = 0;

/** `log`: where the app logs instead of stdout (LOG_LEVEL then does not apply). */
export async function startTestApp(
  env: Record<string, string> = {},
  gpuOptions: { stepIntervalMs?: number; callbackBatchSize?: number } = {},
  { log }: { log?: Logger } = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-test-app-'));
  const gpu = env.SIMULATED_GPU_URL ? null : await startSimulatedProvider({ port: 0, speedFactor: 1000, stepIntervalMs: 20, ...gpuOptions });
  const config = loadConfig({
    ...(gpu ? { SIMULATED_GPU_URL: gpu.url } : {}),
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: inject('databaseUrl'),
    SERVER_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    // Queues of their own: another test's workers must not take this app's jobs to another simulator.
    QUEUE_SCHEMA: `pgboss_test_${randomBytes(4).toString('hex')}`,
    ...env,
  });
  if (appsRunning++ === 0) connectDatabase(inject('databaseUrl'), config.database.poolSize);
  const app = await buildApp(config, { databaseUrl: inject('databaseUrl'), log });
  const url = await app.start();
  const client = graphqlClient(url);
  return {
    app,
    config,
    url,
    gpu,
    ...client,
    async stop() {
      await client.close();
      await app.stop();
      if (--appsRunning === 0) await disconnectDatabase();
      await gpu?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The app for one test file, started before its tests and stopped after them (call at module level; the
 * object is filled in by beforeAll). Arguments as startTestApp's.
 */
export function useTestApp(...args: Parameters<typeof startTestApp>): TestApp {
  const t = {} as TestApp;
  beforeAll(async () => {
    Object.assign(t, await startTestApp(...args));
  });
  afterAll(() => t.stop?.());
  return t;
}
