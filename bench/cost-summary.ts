// costSummary benchmark: p50/p99 latency of the costSummary query over HTTP
// (the whole app: Yoga, auth, the rollup SQL, JSON) for a user with 100,000
// cost records over a year, beside a bare HTTP server that runs the API's own
// rollup aggregate (period × type × job over CostDaily) through node-postgres
// and answers its rows as JSON; in its own embedded PostgreSQL with statistics
// gathered, as a live database would have them. The two are timed in turns, so
// a change in the machine's load moves both.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { App } from '../server/app/app.js';
import { signLocalUserToken } from '../server/auth/tokens.js';
import { MONTHS_SQL, ROLLUP_SQL, SUMMARY_DAYS_SQL, SUMMARY_EDGES_SQL, sumAmounts } from '../server/costs/summary.js';
import { GPU_TYPES } from '../server/gpu/provider.js';
import { formatBenchRows, type BenchRow } from './report.js';
import { startBenchStack } from './lib/stack.js';

const RECORDS = 100_000;
/** Another tenant's records in the same table, so the owner's index has to do its job. */
const OTHER_RECORDS = 50_000;
const JOBS = 400;
const BATCH = 10_000;
const WARM_UP = 20;
/** Enough for a p99 that is not just the worst few samples. */
const RUNS = 1000;
/** The API may cost this many times the bare aggregate (issue 18): it also authorises, adds up six figures and serialises them through GraphQL. */
const P99_TARGET_RATIO = 3;
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 86_400_000;

const SUMMARY = `query($from: DateTime!, $to: DateTime!, $groupBy: CostGroupBy) {
  costSummary(from: $from, to: $to, groupBy: $groupBy) {
    __typename
    ... on CostSummary {
      total
      series { periodStart total byType { type total } }
      byType { type total }
      byGpuType { gpuType total }
      topJobs { total job { id name gpu { type count } } }
      monthComparison { thisMonth lastMonth changePercent }
    }
  } }`;

/** A small deterministic generator, so every run measures the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Records as the platform writes them: each job accrues compute every minute
 * or so for the hours it runs (its start anywhere in the year), and storage
 * accrues once a day; `records` in all, amounts random to the micro-dollar.
 */
async function seed(client: pg.Pool, ownerId: string, datasetId: string, records: number, random: () => number): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO "TrainingJob" (id, "ownerId", "datasetId", name, "presetId", "baseModelId", hyperparameters, "gpuType", "gpuCount", status, "totalEpochs", estimate, "estimatedCost", provider, "updatedAt")
     SELECT gen_random_uuid(), $1, $2, 'bench job ' || i, 'balanced', 'mistralai/Mistral-7B-v0.1', '{}', ($3::text[])[1 + i % 4], 1 + i % 2, 'COMPLETED', 3, '{}', 1, 'simulated', now()
     FROM generate_series(1, $4) i RETURNING id`,
    [ownerId, datasetId, [...GPU_TYPES], JOBS],
  );
  const all: { job: string | null; at: number; micros: number }[] = [];
  for (let day = 0; day < 365; day++) all.push({ job: null, at: YEAR_START + day * 86_400_000, micros: Math.floor(random() * 20_000) });
  const perJob = Math.ceil((records - all.length) / rows.length);
  for (const { id } of rows) {
    let at = YEAR_START + Math.floor(random() * (YEAR_MS - perJob * 120_000));
    for (let k = 0; k < perJob && all.length < records; k++) {
      at += 30_000 + Math.floor(random() * 60_000);
      all.push({ job: id, at, micros: Math.floor(random() * 200_000) });
    }
  }
  const amounts: string[] = [];
  for (let start = 0; start < all.length; start += BATCH) {
    const batch = all.slice(start, start + BATCH);
    const ids = batch.map(() => randomUUID());
    const batchAmounts = batch.map((r) => `${Math.floor(r.micros / 1e6)}.${String(r.micros % 1e6).padStart(6, '0')}`);
    amounts.push(...batchAmounts);
    // One multi-row INSERT per batch, the rows passed as arrays.
    await client.query(
      `INSERT INTO "CostRecord" (id, "ownerId", "jobId", type, amount, "periodStart", "periodEnd", "dedupeKey")
       SELECT id, $1, job, CASE WHEN job IS NULL THEN 'STORAGE' ELSE 'TRAINING_COMPUTE' END::"CostType", amount, at, at + interval '1 minute', 'bench:' || id
       FROM unnest($2::uuid[], $3::uuid[], $4::numeric[], $5::timestamptz[]) AS r(id, job, amount, at)`,
      [ownerId, ids, batch.map((r) => r.job), batchAmounts, batch.map((r) => new Date(r.at).toISOString())],
    );
  }
  return amounts;
}

async function createUser(app: App, url: string, client: pg.Pool): Promise<{ id: string; token: string }> {
  const email = `bench-${randomUUID()}@bench.brightrun.dev`;
  const token = await signLocalUserToken(app.services.secret, { sub: `local:${email}`, email });
  await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  const { rows } = await client.query<{ id: string }>('SELECT id FROM "User" WHERE email = $1', [email]);
  return { id: rows[0]!.id, token };
}

async function dataset(client: pg.Pool, ownerId: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO "Dataset" (id, "ownerId", name, "baseModelId", "fileName", "fileSize", "contentType", "storagePath", status, "updatedAt")
     VALUES (gen_random_uuid(), $1::uuid, 'bench', 'mistralai/Mistral-7B-v0.1', 'train.jsonl', 1000, 'application/jsonl', $1::text || '/x/train.jsonl', 'READY', now()) RETURNING id`,
    [ownerId],
  );
  return rows[0]!.id;
}

function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length * 0.5)]!, p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! };
}

/**
 * The baseline: a bare HTTP server that sends the API's rollup aggregate (server/costs/summary.ts's ROLLUP_SQL,
 * prepared, like the API's) through node-postgres and answers its rows as JSON: the database's work, HTTP and
 * JSON, without GraphQL, auth or the figures added up from the rows.
 */
async function startBareServer(client: pg.Pool, ownerId: string, from: string, to: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    try {
      const unit = new URL(req.url ?? '/', 'http://bare').searchParams.get('unit') ?? 'day';
      const { rows } = await client.query({ name: 'bench-cost-rollup', text: ROLLUP_SQL, values: [ownerId, from, to, unit] });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The plans PostgreSQL keeps for the API's prepared statements once it plans them generically (after five runs,
 * when that looks no dearer): every read of the cost tables must be an index range, none a whole-table scan or a
 * range narrowed by a filter (the cliff a generic plan falls off when it cannot see how few rows a filter keeps).
 */
async function checkGenericPlans(client: pg.Pool): Promise<void> {
  type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Filter?: string; Plans?: PlanNode[] };
  const scans = (node: PlanNode): PlanNode[] => [...(node['Relation Name'] ? [node] : []), ...(node.Plans ?? []).flatMap(scans)];
  for (const [name, text] of Object.entries({ SUMMARY_DAYS_SQL, SUMMARY_EDGES_SQL, MONTHS_SQL })) {
    const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (GENERIC_PLAN, FORMAT JSON) ${text}`);
    for (const scan of scans(rows[0]!['QUERY PLAN'][0].Plan)) {
      if (!/^Cost(Daily|Record)$/.test(scan['Relation Name']!)) continue;
      if (scan['Node Type'] === 'Seq Scan' || scan.Filter)
        throw new Error(`${name}: generic plan reads ${scan['Relation Name']} by ${scan['Node Type']}${scan.Filter ? ` with filter ${scan.Filter}` : ''}`);
    }
  }
}

/** Two calls timed in turns (which goes first alternates), so both see the same load. */
async function timeInTurns(
  runs: number,
  ours: () => Promise<unknown>,
  base: () => Promise<unknown>,
): Promise<{ ours: { p50: number; p99: number }; base: { p50: number; p99: number } }> {
  const samples: [number[], number[]] = [[], []];
  const calls = [ours, base];
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const start = performance.now();
      await calls[which]!();
      samples[which]!.push(performance.now() - start);
    }
  }
  return { ours: percentiles(samples[0]), base: percentiles(samples[1]) };
}

export async function runCostSummaryBench(): Promise<BenchRow[]> {
  const stack = await startBenchStack('cost', { env: { ROLE: 'api' } });
  const { app, url } = stack;
  const client = () => pool!;
  let pool: pg.Pool | null = null;
  let closeBare: (() => Promise<void>) | null = null;
  try {
    pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });

    const user = await createUser(app, url, client());
    const other = await createUser(app, url, client());
    const random = rng(20261124);
    const amounts = await seed(client(), user.id, await dataset(client(), user.id), RECORDS, random);
    await seed(client(), other.id, await dataset(client(), other.id), OTHER_RECORDS, random);
    await client().query('VACUUM ANALYZE "CostRecord"');
    await client().query('VACUUM ANALYZE "TrainingJob"');
    // With statistics on the rollup, a prepared statement may switch to a generic plan after five runs: measure that.
    await client().query('VACUUM ANALYZE "CostDaily"');

    await checkGenericPlans(client());

    const from = new Date(YEAR_START).toISOString();
    const to = new Date(YEAR_START + YEAR_MS).toISOString();
    const query = (groupBy: string) => async () => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ query: SUMMARY, variables: { from, to, groupBy } }),
      });
      const body = (await res.json()) as { data?: { costSummary?: { __typename: string; total: string; series: { total: string }[] } } };
      if (body.data?.costSummary?.__typename !== 'CostSummary') throw new Error(`costSummary failed: ${JSON.stringify(body).slice(0, 500)}`);
      return body.data.costSummary;
    };
    const bare = await startBareServer(client(), user.id, from, to);
    closeBare = bare.close;
    const rollup = (unit: string) => async () => {
      const rows = (await (await fetch(`${bare.url}/?unit=${unit}`)).json()) as unknown[];
      if (!Array.isArray(rows) || rows.length === 0) throw new Error(`the bare rollup answered ${JSON.stringify(rows).slice(0, 300)}`);
    };

    // Correct before fast: the total is the exact sum of what was inserted, and of its series.
    const check = await query('DAY')();
    const expected = sumAmounts(amounts);
    if (check.total !== expected) throw new Error(`costSummary total ${check.total} is not the inserted ${expected}`);
    if (sumAmounts(check.series.map((p) => p.total)) !== expected) throw new Error('series does not add up to the total');
    if (check.series.length !== 365) throw new Error(`expected 365 days, got ${check.series.length}`);

    // Past the five runs after which PostgreSQL may keep a generic plan for a prepared statement.
    await timeInTurns(WARM_UP, query('DAY'), rollup('day'));
    const byDay = await timeInTurns(RUNS, query('DAY'), rollup('day'));
    await timeInTurns(WARM_UP, query('MONTH'), rollup('month'));
    const byMonth = await timeInTurns(RUNS, query('MONTH'), rollup('month'));

    const note = `${RECORDS.toLocaleString('en')} records of one user over a year (+${OTHER_RECORDS.toLocaleString('en')} of another), ${JOBS} jobs; ${RUNS} runs of each, in turns`;
    const load = `1-min load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
    const row = (figure: string, unit: string, ours: number, base: number, target = false): BenchRow => ({
      figure,
      ours,
      baseline: base,
      unit: 'ms',
      ratio: ours / base,
      ...(target ? { target: `≤ ${P99_TARGET_RATIO}× baseline`, pass: ours <= P99_TARGET_RATIO * base } : {}),
      note:
        `${note}; statistics gathered (VACUUM ANALYZE), generic plans checked (index ranges only); baseline: a bare node:http server sending the API's own rollup aggregate ` +
        `(GROUP BY ${unit}, type, job over CostDaily, prepared) through node-postgres and answering its rows as JSON, over HTTP; ${load}`,
    });
    return [
      row('costSummary by DAY over HTTP, p50', 'day', byDay.ours.p50, byDay.base.p50),
      row('costSummary by DAY over HTTP, p99', 'day', byDay.ours.p99, byDay.base.p99, true),
      row('costSummary by MONTH over HTTP, p50', 'month', byMonth.ours.p50, byMonth.base.p50),
      row('costSummary by MONTH over HTTP, p99', 'month', byMonth.ours.p99, byMonth.base.p99, true),
    ];
  } finally {
    await closeBare?.();
    await pool?.end().catch(() => {});
    await stack.close();
  }
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(formatBenchRows(await runCostSummaryBench()));
}
