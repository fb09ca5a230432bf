// Starts the real app (HTTP + graphql-ws + workers) on a free port against the
// test run's PostgreSQL, and gives tests small clients for it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { buildApp, type App } from '../../server/app/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { connectDatabase, disconnectDatabase } from '../../server/db/client.js';
import { startSimulatedProvider, type SimulatedProvider } from '../../server/gpu/simulated/service.js';
import type { Logger } from '../../server/log.js';

/**
 * What an untyped test document's data is read as. The tests' documents are plain strings for now; typed graphql()
 * documents (issue 17, the test-suite part) give each its result type and retire this.
 */
// biome-ignore lint/suspicious/noExplicitAny: the one place untyped GraphQL results enter the tests
export type Untyped = any;

/** An error as a GraphQL response carries it. */
export interface GraphQLErrorJson {
  message: string;
  path?: readonly (string | number)[];
  extensions: { code?: string; reason?: string; [key: string]: unknown };
}

/** A response's errors: when present, never empty (the GraphQL spec). */
export type GraphQLErrors = [GraphQLErrorJson, ...GraphQLErrorJson[]];

export interface TestApp {
  app: App;
  config: Config;
  url: string;
  gql<T = Untyped>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: { data?: T; errors?: GraphQLErrors } }>;
  /** A lazy graphql-ws client; `options` for the few tests that set more (the subscription ids it makes, say). */
  ws(token: string | null, options?: Partial<ClientOptions>): Client;
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
  const clients: Client[] = [];
  return {
    app,
    config,
    url,
    gpu,
    async gql(query, variables, token) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as { data?: Untyped; errors?: GraphQLErrors } };
    },
    ws(token, options) {
      const client = createClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: true,
        ...options,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.stop();
      if (--appsRunning === 0) await disconnectDatabase();
      await gpu?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs one operation over graphql-ws and returns its first result, or the close/error that ended it. */
export function wsOnce<T = Untyped>(client: Client, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: GraphQLErrors; closeCode?: number }> {
  return new Promise((resolve) => {
    let unsubscribe = () => {};
    unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          resolve(value as { data?: T; errors?: GraphQLErrors });
          unsubscribe();
        },
        error: (err) => {
          const closeCode = (err as { code?: number }).code;
          resolve(Array.isArray(err) ? { errors: err as GraphQLErrors } : { closeCode, errors: [err as GraphQLErrorJson] });
        },
        complete: () => {},
      },
    );
  });
}

/** Subscribes over graphql-ws and collects results until `done` says so (or the timeout passes). */
export function wsCollect<T = Untyped>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  done: (results: T[]) => boolean,
  timeoutMs = 30_000,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const results: T[] = [];
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${results.length} results: ${JSON.stringify(results.at(-1))?.slice(0, 500)}`));
    }, timeoutMs);
    const unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors) {
            clearTimeout(timer);
            reject(new Error(JSON.stringify(value.errors)));
            return;
          }
          results.push(value.data as T);
          if (done(results)) {
            clearTimeout(timer);
            unsubscribe();
            resolve(results);
          }
        },
        error: (err) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
        },
        complete: () => {},
      },
    );
  });
}
