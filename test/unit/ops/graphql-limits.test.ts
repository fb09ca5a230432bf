// Depth, alias and cost limits: abusive documents are refused with a typed
// code, and every operation the web client sends (and GraphiQL's introspection)
// passes at the defaults.
import { getIntrospectionQuery, Kind, parse, validate, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../schema/index.js';
import { loadConfig } from '../../../server/config.js';
import { queryLimitsRule, type QueryLimits } from '../../../server/http/graphql-limits.js';
import * as webDocuments from '../../../web/src/gql/graphql.js';

const defaults = loadConfig({}).queryLimits;

function codes(document: string | DocumentNode, limits: QueryLimits = defaults): string[] {
  const doc = typeof document === 'string' ? parse(document) : document;
  return validate(schema, doc, [queryLimitsRule(limits)]).map((e) => String(e.extensions.code));
}

/** trainingJob → artifact → job → artifact …: 2 + 2 × pairs fields deep. */
function chain(pairs: number): string {
  return `query($id: ID!) { trainingJob(id: $id) { ${'artifact { job { '.repeat(pairs)}id${' } }'.repeat(pairs)} } }`;
}

describe('query limits', () => {
  it('let every operation of the web client through at the defaults', () => {
    const operations = Object.values(webDocuments).filter(
      (value): value is DocumentNode => (value as DocumentNode)?.kind === Kind.DOCUMENT && (value as DocumentNode).definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION),
    );
    expect(operations.length).toBeGreaterThan(20);
    for (const doc of operations) expect(codes(doc)).toEqual([]);
  });

  it("let GraphiQL's introspection query through", () => {
    expect(codes(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }))).toEqual([]);
  });

  it('refuse a document nested deeper than the limit', () => {
    expect(codes(chain(4))).toEqual([]);
    const [error] = validate(schema, parse(chain(5)), [queryLimitsRule(defaults)]);
    expect(error?.extensions.code).toBe('QUERY_TOO_DEEP');
    expect(error?.message).toMatch(/12 deep; at most 10/);
  });

  it('count depth through fragments and inline fragments', () => {
    const viaFragments = `
      query { trainingJobs { ...Jobs } }
      fragment Jobs on QueryTrainingJobsConnection { edges { node { ... on TrainingJob { dataset { id } } } } }`;
    expect(codes(viaFragments, { ...defaults, maxDepth: 4 })).toEqual(['QUERY_TOO_DEEP']);
    expect(codes(viaFragments, { ...defaults, maxDepth: 5 })).toEqual([]);
  });

  it('refuse more aliases than the limit', () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: unreadNotificationCount`).join(' ')} }`;
    expect(codes(aliased(defaults.maxAliases))).toEqual([]);
    const [error] = validate(schema, parse(aliased(defaults.maxAliases + 1)), [queryLimitsRule(defaults)]);
    expect(error?.extensions.code).toBe('TOO_MANY_ALIASES');
    expect(error?.message).toMatch(/31 aliases; at most 30/);
  });

  it('refuse an operation whose lists multiply past the cost limit', () => {
    // 100 jobs × 10,000 points × 2 fields: two million values.
    const costly = '{ trainingJobs(first: 100) { edges { node { metrics(maxPoints: 10000) { step trainingLoss } } } } }';
    expect(codes(costly)).toEqual(['QUERY_TOO_COSTLY']);
    // One job's full series is fine.
    expect(codes('query($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10000) { step trainingLoss validationLoss learningRate } } }')).toEqual([]);
  });

  it('size a list by its literal, its variable default, its schema default, else a full page', () => {
    const limits = { ...defaults, maxCost: 1000 };
    // metrics: schema default 1000 points → over 1000 values.
    expect(codes('query($id: ID!) { trainingJob(id: $id) { metrics { step } } }', limits)).toEqual(['QUERY_TOO_COSTLY']);
    expect(codes('query($id: ID!, $n: Int = 10) { trainingJob(id: $id) { metrics(maxPoints: $n) { step } } }', limits)).toEqual([]);
    // A page size given by a variable without a default counts as a full page (100).
    const page = (args: string) => `query($first: Int) { datasets${args} { edges { node { id name status fileSize createdAt updatedAt format description fileName } } } }`;
    expect(codes(page('(first: 5)'), limits)).toEqual([]);
    expect(codes(page('(first: $first)'), limits)).toEqual(['QUERY_TOO_COSTLY']);
    expect(codes(page(''), limits)).toEqual(['QUERY_TOO_COSTLY']);
  });

  it('count every expansion of a fragment but measure it once, so fragment bombs are cheap to refuse', () => {
    // Each fragment spreads the next twice: 2^20 fields once expanded.
    const levels = 20;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on Query { unreadNotificationCount }` : `fragment F${i} on Query { ...F${i + 1} ... on Query { ...F${i + 1} } }`,
    ).join('\n');
    const started = Date.now();
    expect(codes(`{ ...F0 }\n${fragments}`)).toEqual(['QUERY_TOO_COSTLY']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('survive fragment cycles (another rule reports them)', () => {
    const cyclic = parse('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }');
    expect(codes(cyclic)).toEqual([]);
    expect(validate(schema, cyclic).map((e) => e.message).join()).toMatch(/Cannot spread fragment/);
  });
});
