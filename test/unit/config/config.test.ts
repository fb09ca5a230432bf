// Configuration is validated at start and every bad variable is named at once.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.js';

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
    const config = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://lora.example', SERVER_SECRET: 'x'.repeat(40), AUTH_JWKS_URL: 'https://id.example/jwks', AUTH_ISSUER: 'https://id.example/', AUTH_AUDIENCE: 'brightrun' });
    expect([config.graphiql, config.introspection]).toEqual([false, false]);
  });

  it('reads CORS_ORIGINS as origins, and refuses a URL with a path or a wildcard', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com/, http://localhost:5173' }).corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    for (const bad of ['*', 'https://app.example.com/graphql', 'app.example.com', 'null']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS/);
    }
  });
});
