// Two projects: unit tests need nothing; integration tests share one real
// PostgreSQL started once per run by test/setup/global-db.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node resolves `graphql` to its CommonJS build; Vite would pick the .mjs one.
  // Two copies break `instanceof GraphQLError`, so tests use Node's choice.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Built alone, after the rest (npm test): the image build takes both cores for minutes.
          exclude: ['test/integration/image/**'],
          environment: 'node',
          globalSetup: ['test/setup/global-db.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'image',
          include: ['test/integration/image/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/setup/global-db.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
      {
        extends: true,
        test: {
          // Real server, real Chromium (Debian's); each file starts its own stack.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
