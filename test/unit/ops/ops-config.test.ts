// The operations settings: query limits, /metrics, and the production
// defaults for GraphiQL, introspection and /metrics.
import { describe, expect, it } from 'vitest';
import { type ConfigError, loadConfig } from '../../../server/config.js';

const production = {
  NODE_ENV: 'production',
  ALLOW_EMBEDDED_SERVICES: 'true',
  PUBLIC_URL: 'https://lora.example',
  SERVER_SECRET: '5f0c7a1e9b2d48c3a6e1f07b9d2c4e8a1b3f5d7c9e0a2b4c',
  AUTH_JWKS_URL: 'https://id.example/jwks',
  AUTH_ISSUER: 'https://id.example/',
  AUTH_AUDIENCE: 'brightrun',
};

describe('operations configuration', () => {
  it('has query limits the web client fits in, and takes others', () => {
    expect(loadConfig({}).queryLimits).toEqual({ maxDepth: 10, maxAliases: 30, maxCost: 200_000 });
    expect(loadConfig({ MAX_QUERY_DEPTH: '6', MAX_QUERY_ALIASES: '0', MAX_QUERY_COST: '5000' }).queryLimits).toEqual({ maxDepth: 6, maxAliases: 0, maxCost: 5000 });
  });

  it('names bad limits and a short metrics token', () => {
    try {
      loadConfig({ MAX_QUERY_DEPTH: '1', MAX_QUERY_COST: 'lots', METRICS_TOKEN: 'short' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['MAX_QUERY_COST', 'MAX_QUERY_DEPTH', 'METRICS_TOKEN']);
    }
  });

  it('serves /metrics openly outside production', () => {
    expect(loadConfig({}).metrics).toEqual({ enabled: true, token: null });
  });

  it('turns GraphiQL, introspection and an unprotected /metrics off in production', () => {
    const config = loadConfig(production);
    expect([config.graphiql, config.introspection, config.metrics.enabled]).toEqual([false, false, false]);
    expect(loadConfig({ ...production, METRICS_TOKEN: 'm'.repeat(32) }).metrics).toEqual({ enabled: true, token: 'm'.repeat(32) });
    expect(loadConfig({ ...production, GRAPHIQL: 'true', INTROSPECTION: '1' })).toMatchObject({ graphiql: true, introspection: true });
  });
});
