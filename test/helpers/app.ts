// Starts the real app (HTTP + graphql-ws + workers) on a free port against the
// test run's PostgreSQL, and gives tests small clients for it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { buildApp, type App } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';

export interface TestApp {
  app: App;
  config: Config;
  url: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: { data?: T; errors?: any[] } }>;
  ws(token: string | null): Client;
  stop(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-test-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: inject('databaseUrl'),
    SERVER_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await buildApp(config, { databaseUrl: inject('databaseUrl') });
  const url = await app.start();
  const clients: Client[] = [];
  return {
    app,
    config,
    url,
    async gql(query, variables, token) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    ws(token) {
      const client = createClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs one operation over graphql-ws and returns its first result, or the close/error that ended it. */
export function wsOnce<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: any[]; closeCode?: number }> {
  return new Promise((resolve) => {
    let unsubscribe = () => {};
    unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          resolve(value as any);
          unsubscribe();
        },
        error: (err) => {
          const closeCode = (err as { code?: number }).code;
          resolve(Array.isArray(err) ? { errors: err } : { closeCode, errors: [err] });
        },
        complete: () => {},
      },
    );
  });
}
