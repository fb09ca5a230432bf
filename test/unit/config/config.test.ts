// Configuration is validated at start and every bad variable is named at once.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.js';

/** A complete production configuration: a real database, bucket, GPU provider and identity provider. */
const production = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://lora.example',
  SERVER_SECRET: '5f0c7a1e9b2d48c3a6e1f07b9d2c4e8a1b3f5d7c9e0a2b4c',
  AUTH_JWKS_URL: 'https://id.example/jwks',
  AUTH_ISSUER: 'https://id.example/',
  AUTH_AUDIENCE: 'brightrun',
  DATABASE_URL: 'postgres://brightrun@db.internal/brightrun',
  STORAGE_DRIVER: 'gcs',
  GCS_PROJECT_ID: 'lora',
  GPU_PROVIDER: 'runpod',
  RUNPOD_API_KEY: 'rp_key',
  RUNPOD_ENDPOINT_ID: 'endpoint',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.database.url).toBeNull();
    expect(config.storage.driver).toBe('local');
    expect(config.gpu.provider).toBe('simulated');
    expect(config.graphiql).toBe(true);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', MAX_DATASET_BYTES: String(6 * 1024 ** 3), STORAGE_DRIVER: 's3' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const names = (err as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(names.sort()).toEqual(['DATABASE_URL', 'MAX_DATASET_BYTES', 'PORT', 'STORAGE_DRIVER']);
    }
  });

  it('requires real secrets and an identity provider in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SERVER_SECRET[\s\S]*AUTH_JWKS_URL[\s\S]*PUBLIC_URL/);
  });

  it('turns GraphiQL and introspection off in production unless asked', () => {
    const config = loadConfig(production);
    expect([config.graphiql, config.introspection]).toEqual([false, false]);
  });

  it('refuses the embedded database, local disk and the simulator in production unless told to use them', () => {
    const { DATABASE_URL: _db, STORAGE_DRIVER: _storage, GPU_PROVIDER: _gpu, RUNPOD_API_KEY: _key, RUNPOD_ENDPOINT_ID: _endpoint, GCS_PROJECT_ID: _project, ...bare } = production;
    expect(problemsOf(bare)).toEqual([
      expect.stringMatching(/^DATABASE_URL: required in production, or set ALLOW_EMBEDDED_SERVICES=true/),
      expect.stringMatching(/^STORAGE_DRIVER: `gcs` in production/),
      expect.stringMatching(/^GPU_PROVIDER: `runpod` or `local` in production/),
    ]);
    const embedded = loadConfig({ ...bare, ALLOW_EMBEDDED_SERVICES: 'true' });
    expect([embedded.database.url, embedded.storage.driver, embedded.gpu.provider]).toEqual([null, 'local', 'simulated']);
  });

  it('gives each GPU provider and storage driver its own settings, and only those', () => {
    const cloud = loadConfig(production);
    expect(cloud.gpu).toEqual({
      provider: 'runpod',
      runpod: { apiKey: 'rp_key', endpointId: 'endpoint', baseUrl: 'https://api.runpod.ai/v2' },
      pollIntervalSeconds: 2,
      heartbeatTimeoutSeconds: 300,
    });
    expect(cloud.storage).toEqual({
      driver: 'gcs',
      gcs: { projectId: 'lora', keyFilename: undefined },
      buckets: { datasets: 'lora-datasets', models: 'lora-models' },
      maxUploadBytes: { datasets: 500 * 1024 ** 2, models: 5 * 1024 ** 3 },
    });

    const embedded = loadConfig({ DATA_DIR: '/srv/brightrun' });
    expect(embedded.gpu).toEqual({ provider: 'simulated', simulated: { url: null, port: 0, speedFactor: 5 }, pollIntervalSeconds: 2, heartbeatTimeoutSeconds: 300 });
    expect(embedded.storage).toMatchObject({ driver: 'local', localRoot: path.join('/srv/brightrun', 'storage') });
    expect(embedded.storage).not.toHaveProperty('gcs');

    const local = loadConfig({ GPU_PROVIDER: 'local', TRAINER_DEVICES: '0,1', LOCAL_GPU_HOURLY_USD: '0.9' });
    expect(local.gpu).toMatchObject({ provider: 'local', local: { devices: ['0', '1'], hourlyRateUsd: '0.9', modelCache: null } });
    expect(Object.keys(local.gpu).sort()).toEqual(['heartbeatTimeoutSeconds', 'local', 'pollIntervalSeconds', 'provider']);
    // A bad variable of the chosen provider is named, not tripped over.
    expect(problemsOf({ GPU_PROVIDER: 'local', TRAINER_DEVICES: 'gpu0' }).map((p) => p.split(':')[0])).toEqual(['TRAINER_DEVICES']);

    // Once the discriminant is known, the provider's and driver's keys are no longer optional.
    if (cloud.gpu.provider === 'runpod') expectTypeOf(cloud.gpu.runpod).toEqualTypeOf<{ apiKey: string; endpointId: string; baseUrl: string }>();
    if (embedded.storage.driver === 'local') expectTypeOf(embedded.storage.localRoot).toEqualTypeOf<string>();
    expectTypeOf(cloud.gpu).not.toHaveProperty('runpod');
  });

  it('lists bad values and cross-field problems in one pass', () => {
    expect(problemsOf({ PORT: 'eighty', GPU_PROVIDER: 'runpod', AUTH_JWKS_URL: 'https://id.example/jwks' }).map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'AUTH_ISSUER and AUTH_AUDIENCE',
      'RUNPOD_API_KEY and RUNPOD_ENDPOINT_ID',
    ]);
    // A rule whose variable is already reported is not reported again.
    expect(problemsOf({ GPU_PROVIDER: 'gpu-cloud' }).map((p) => p.split(':')[0])).toEqual(['GPU_PROVIDER']);
  });

  it('wants a random SERVER_SECRET in production', () => {
    for (const weak of ['a'.repeat(64), 'abcd'.repeat(16), 'password'.repeat(5)]) {
      expect(problemsOf({ ...production, SERVER_SECRET: weak }), weak).toEqual([expect.stringMatching(/^SERVER_SECRET: too predictable/)]);
    }
    // Random ones pass, even the shortest allowed: 32 hex characters (128 bits).
    for (let i = 0; i < 200; i++) expect(problemsOf({ ...production, SERVER_SECRET: randomBytes(16).toString('hex') })).toEqual([]);
    expect(problemsOf({ ...production, SERVER_SECRET: randomBytes(32).toString('base64') })).toEqual([]);
    // Outside production a made-up secret is fine.
    expect(loadConfig({ SERVER_SECRET: 'a'.repeat(64) }).serverSecret).toBe('a'.repeat(64));
  });

  it('wants https public URLs in production, except to this machine', () => {
    expect(problemsOf({ ...production, PUBLIC_URL: 'http://lora.example', AUTH_JWKS_URL: 'http://id.example/jwks' })).toEqual([
      'PUBLIC_URL: must be https in production (plain http only to localhost)',
      'AUTH_JWKS_URL: must be https in production (plain http only to localhost)',
    ]);
    expect(problemsOf({ ...production, PUBLIC_URL: 'http://localhost:4000', AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks' })).toEqual([]);
    expect(loadConfig({ PUBLIC_URL: 'http://lora.example' }).publicUrl).toBe('http://lora.example');
  });

  it('reads CORS_ORIGINS as origins, and refuses a URL with a path or a wildcard', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com/, http://localhost:5173' }).corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    for (const bad of ['*', 'https://app.example.com/graphql', 'app.example.com', 'null']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS/);
    }
  });
});
