// graphql-codegen: typed operations for web/ (client preset) and the schema for graphcache, and typed
// documents for the tests (test/gql/), all from the printed contract.
import type { CodegenConfig } from '@graphql-codegen/cli';

/** Scalars as they arrive in JSON. */
const scalars = {
  DateTime: 'string',
  Decimal: 'string',
  JSON: 'unknown',
};

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: true,
  generates: {
    'web/src/gql/': {
      documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        skipTypename: false,
        scalars,
      },
    },
    'web/src/gql/introspection.ts': {
      plugins: ['urql-introspection'],
      config: { module: 'es2015', useTypeImports: true },
    },
    // The tests' own documents: `graphql()` from test/gql types what the test client returns, so a renamed
    // field fails `tsc`, not a run. Node resolves these imports itself, hence the `.js` extensions.
    'test/gql/': {
      documents: ['test/**/*.ts', '!test/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        importExtension: '.js',
        useTypeImports: true,
        enumsAsTypes: true,
        skipTypename: false,
        scalars,
      },
    },
  },
};

export default config;
