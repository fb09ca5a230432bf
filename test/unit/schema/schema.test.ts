// The printed contract is current, and no root field is left without an
// explicit auth rule (Pothos scope-auth `authScopes` on every one).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../schema/index.js';
import { printSchemaFile } from '../../../schema/print.js';

describe('schema/schema.graphql', () => {
  it('is what the code prints (run `npm run schema:print` after changing the schema)', () => {
    expect(fs.readFileSync('schema/schema.graphql', 'utf8')).toBe(printSchemaFile());
  });
});

describe('auth rules', () => {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t != null);

  it('covers Query, Mutation and Subscription', () => {
    expect(roots.map((r) => r.name)).toEqual(expect.arrayContaining(['Query', 'Mutation']));
  });

  for (const root of roots) {
    for (const field of Object.values(root.getFields())) {
      it(`${root.name}.${field.name} declares who may call it`, () => {
        const options = field.extensions?.pothosOptions as { authScopes?: unknown } | undefined;
        expect(options?.authScopes, `${root.name}.${field.name} has no authScopes`).toBeDefined();
      });
    }
  }
});
