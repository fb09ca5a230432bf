// Depth, alias and cost limits: abusive documents are refused with a typed
// code, and every operation the web client sends (and GraphiQL's introspection)
// passes at the defaults. Cost is measured from the variables as sent; a list
// size of zero or less is bad input.
import { getIntrospectionQuery, Kind, parse, validate, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../schema/index.js';
import { loadConfig } from '../../../server/config.js';
import { queryCostErrors, queryLimitsRule, type QueryLimits } from '../../../server/http/graphql-limits.js';
import * as webDocuments from '../../../web/src/gql/graphql.js';

const defaults = loadConfig({}).queryLimits;

/** The codes of every limit the document breaks: depth and aliases at validation, then cost with these variables. */
function codes(document: string | DocumentNode, limits: QueryLimits = defaults, variables: Record<string, unknown> = { id: 'x' }, operationName?: string): string[] {
  const doc = typeof document === 'string' ? parse(document) : document;
  const invalid = validate(schema, doc, [queryLimitsRule(limits)]);
  const errors = invalid.length ? invalid : queryCostErrors(schema, doc, variables, operationName, limits);
  return errors.map((e) => String(e.extensions.code));
}

function costErrors(document: string, variables: Record<string, unknown> = {}, limits: QueryLimits = defaults) {
  return queryCostErrors(schema, parse(document), variables, undefined, limits);
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
    for (const doc of operations) {
      for (const operation of doc.definitions) {
        if (operation.kind === Kind.OPERATION_DEFINITION) expect(codes(doc, defaults, {}, operation.name?.value)).toEqual([]);
      }
    }
  });

  it("let GraphiQL's introspection query through", () => {
    expect(codes(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }))).toEqual(
      [],
    );
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

  it('size a list by its literal, its variable as sent, its schema default, else a full page', () => {
    const limits = { ...defaults, maxCost: 1000 };
    // metrics: schema default 1000 points → over 1000 values.
    expect(codes('query($id: ID!) { trainingJob(id: $id) { metrics { step } } }', limits)).toEqual(['QUERY_TOO_COSTLY']);
    expect(codes('query($id: ID!, $n: Int = 10) { trainingJob(id: $id) { metrics(maxPoints: $n) { step } } }', limits)).toEqual([]);
    // A page size given by a variable not sent and without a default counts as a full page (100).
    const page = (args: string) => `query($first: Int) { datasets${args} { edges { node { id name status fileSize createdAt updatedAt format description fileName } } } }`;
    expect(codes(page('(first: 5)'), limits)).toEqual([]);
    expect(codes(page('(first: $first)'), limits)).toEqual(['QUERY_TOO_COSTLY']);
    expect(codes(page('(first: $first)'), limits, { first: 5 })).toEqual([]);
    expect(codes(page('(first: $first)'), limits, { first: null })).toEqual(['QUERY_TOO_COSTLY']);
    expect(codes(page(''), limits)).toEqual(['QUERY_TOO_COSTLY']);
  });

  it('size a list by the value sent, not the default in the document (the bypass)', () => {
    const bypass = 'query($n: Int = 1, $p: Int = 1) { trainingJobs(first: $n) { edges { node { metrics(maxPoints: $p) { step trainingLoss validationLoss } } } } }';
    expect(codes(bypass)).toEqual([]);
    expect(codes(bypass, defaults, { n: 100, p: 10_000 })).toEqual(['QUERY_TOO_COSTLY']);
    const [error] = costErrors(bypass, { n: 100, p: 10_000 });
    expect(error?.message).toMatch(/about 3,000,301 values; at most 200,000/);
    // Through a fragment and an inline fragment, and with variables given as a JSON request would (a string for an Int fails coercion: execute reports it).
    const viaFragment = `query($p: Int = 1) { trainingJobs(first: 100) { edges { node { ...M } } } } fragment M on TrainingJob { ... on TrainingJob { metrics(maxPoints: $p) { step trainingLoss } } }`;
    expect(codes(viaFragment, defaults, { p: 10_000 })).toEqual(['QUERY_TOO_COSTLY']);
    expect(costErrors(viaFragment, { p: 'ten' })).toEqual([]);
  });

  it('measure the operation that runs, picked by operationName', () => {
    const doc = parse('query Cheap { me { id } } query Costly($n: Int) { trainingJobs(first: $n) { edges { node { metrics(maxPoints: 10000) { step trainingLoss } } } } }');
    expect(queryCostErrors(schema, doc, { n: 100 }, 'Cheap', defaults)).toEqual([]);
    expect(queryCostErrors(schema, doc, { n: 100 }, 'Costly', defaults).map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COSTLY']);
    expect(queryCostErrors(schema, doc, { n: 1 }, 'Costly', defaults)).toEqual([]);
  });

  it.each([
    ['first', 'query($n: Int) { trainingJobs(first: $n) { totalCount } }'],
    ['last', 'query($n: Int) { datasets(last: $n) { totalCount } }'],
    ['maxPoints', 'query($id: ID!, $n: Int) { trainingJob(id: $id) { metrics(maxPoints: $n) { step } } }'],
    ['nested issues(first:)', 'query($n: Int) { datasets(first: 5) { edges { node { validation { issues(first: $n) { line message } } } } } }'],
  ])('refuse a size of zero or less as BAD_USER_INPUT (%s), as a literal or a variable', (_name, query) => {
    for (const n of [0, -1, -2_000_000_000]) {
      expect(codes(query, defaults, { n, id: 'x' })).toEqual(['BAD_USER_INPUT']);
      expect(codes(query.replace(': $n)', `: ${n})`), defaults, { id: 'x' })).toEqual(['BAD_USER_INPUT']);
    }
    const [error] = costErrors(query, { n: -5, id: 'x' });
    expect(error?.message).toMatch(/must be 1 or more; got -5/);
    expect(codes(query, defaults, { n: 1, id: 'x' })).toEqual([]);
  });

  it('no longer let a negative size cancel out the cost of the rest', () => {
    const doc = '{ trainingJobs(first: 100) { edges { node { metrics(maxPoints: 10000) { step } other: metrics(maxPoints: -10000) { step } } } } }';
    expect(codes(doc)).toEqual(['BAD_USER_INPUT']);
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
    expect(
      validate(schema, cyclic)
        .map((e) => e.message)
        .join(),
    ).toMatch(/Cannot spread fragment/);
  });
});
