// Training job list and estimate over HTTP: `trainingJobs(first: 50)` with 100,000 jobs of one user in the
// database (first page and a deep page by cursor), p50/p99 and SQL statements per request, beside the raw
// keyset SQL for the same page; and `estimateTrainingCost` through GraphQL beside the bare planTraining call.
// Runs its own embedded PostgreSQL, app and simulated provider, and removes them when done.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { signLocalUserToken } from '../server/auth/tokens.js';
import { DEFAULT_BASE_MODEL_ID } from '../server/catalog/base-models.js';
import { statementCounter } from '../server/db/client.js';
import { planTraining } from '../server/training/plan-training.js';
import { formatBenchRows, type BenchRow } from './report.js';
import { startBenchStack } from './lib/stack.js';
import { DATASET_STATISTICS } from './lib/fixtures.js';

const JOBS = 100_000;
/** Other users' jobs in the same table, so the owner filter has something to filter out. */
const OTHER_USERS = 4;
const JOBS_PER_OTHER_USER = 5_000;
const PAGE = 50;
const REQUESTS = 200;
const WARM_UP = 20;
/** The deep page starts after this many jobs (half-way down the list). */
const DEEP_OFFSET = 50_000;
/** A list page must stay well inside an interaction's budget on a 2-core machine. */
const LIST_P99_TARGET_MS = 50;
/** The web page estimates on every keystroke (debounced): a round trip must stay under a frame or two. */
const ESTIMATE_P99_TARGET_MS = 30;

const LIST = `query($first: Int!, $after: String) { trainingJobs(first: $first, after: $after) {
  edges { cursor node { id name status stage progress currentStep totalSteps estimatedCost currentCost finalCost
    gpu { type count } createdAt completedAt dataset { id name } } }
  pageInfo { hasNextPage endCursor } } }`;

const ESTIMATE = `query($input: EstimateTrainingCostInput!) { estimateTrainingCost(input: $input) {
  __typename ... on TrainingEstimate { costUsd durationSeconds steps throughputSource calibrationRuns low { costUsd } high { costUsd } breakdown { item costUsd } } } }`;

/** The same rows, columns and join the page shows, as one keyset query: the floor any list endpoint pays. */
const BASELINE_SQL = `SELECT j.id, j.name, j.status, j.stage, j.progress, j."currentStep", j."totalSteps", j."estimatedCost", j."currentCost",
    j."finalCost", j."gpuType", j."gpuCount", j."createdAt", j."completedAt", d.id AS "datasetId", d.name AS "datasetName"
  FROM "TrainingJob" j JOIN "Dataset" d ON d.id = j."datasetId"
  WHERE j."ownerId" = $1 AND ($2::timestamptz IS NULL OR (j."createdAt", j.id) < ($2::timestamptz, $3::uuid))
  ORDER BY j."createdAt" DESC, j.id DESC LIMIT ${PAGE}`;

interface Timing {
  p50: number;
  p99: number;
}

export async function runTrainingJobsBench(): Promise<BenchRow[]> {
  // HTTP only: no queue workers (the reconciler would poll the seeded active jobs), so every SQL statement
  // the app's pool sends during a request belongs to that request.
  const stack = await startBenchStack('jobs', { env: { ROLE: 'api' } });
  const { app, url } = stack;
  let client: pg.Client | null = null;
  try {
    const secret = app.services.secret;
    const gql = async <Data>(query: string, variables: Record<string, unknown>, token: string): Promise<Data> => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: Data; errors?: unknown[] };
      if (body.errors || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
      return body.data;
    };

    // Users are made the way the app makes them: on first sight of their token.
    const users: { id: string; token: string }[] = [];
    for (let i = 0; i <= OTHER_USERS; i++) {
      const email = `bench-${i}-${randomUUID()}@bench.brightrun.dev`;
      const token = await signLocalUserToken(secret, { sub: `local:${email}`, email });
      const { me } = await gql<{ me: { id: string } }>('{ me { id } }', {}, token);
      users.push({ id: Buffer.from(me.id, 'base64').toString().split(':')[1]!, token });
    }
    const owner = users[0]!;

    client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    const datasetIds = await seed(
      client,
      owner.id,
      users.slice(1).map((u) => u.id),
    );

    // ---- trainingJobs(first: 50): first page and a page 50,000 jobs down -----------------------------
    type Page = { trainingJobs: { edges: { node: { id: string; dataset?: { name: string } | null } }[]; pageInfo: { endCursor: string } } };
    const first = await gql<Page>(LIST, { first: PAGE }, owner.token);
    const firstIds: string[] = first.trainingJobs.edges.map((e) => rawId(e.node.id));
    // The deep page's cursor: the same opaque format the API hands out, for the 50,000th job.
    const {
      rows: [anchor],
    } = await client.query<{ id: string; createdAt: Date }>(
      `SELECT id, "createdAt" FROM "TrainingJob" WHERE "ownerId" = $1 ORDER BY "createdAt" DESC, id DESC OFFSET ${DEEP_OFFSET - 1} LIMIT 1`,
      [owner.id],
    );
    const {
      rows: [firstLast],
    } = await client.query<{ id: string; createdAt: Date }>(`SELECT id, "createdAt" FROM "TrainingJob" WHERE id = $1`, [firstIds.at(-1)]);
    const deepCursor = cursorAt(first.trainingJobs.pageInfo.endCursor, firstLast!, anchor!);
    const deep = await gql<Page>(LIST, { first: PAGE, after: deepCursor }, owner.token);
    const deepIds: string[] = deep.trainingJobs.edges.map((e) => rawId(e.node.id));

    // Both pages must be exactly the rows the baseline query returns, or the timings compare different work.
    const baselineFirst = await client.query<{ id: string }>(BASELINE_SQL, [owner.id, null, null]);
    const baselineDeep = await client.query<{ id: string }>(BASELINE_SQL, [owner.id, anchor!.createdAt, anchor!.id]);
    assertSame(
      'first page',
      firstIds,
      baselineFirst.rows.map((r) => r.id),
    );
    assertSame(
      'deep page',
      deepIds,
      baselineDeep.rows.map((r) => r.id),
    );
    if (deep.trainingJobs.edges.some((e) => !e.node.dataset?.name)) throw new Error('deep page: a job came without its dataset');

    const listFirst = await timeRequests(() => gql(LIST, { first: PAGE }, owner.token));
    const listDeep = await timeRequests(() => gql(LIST, { first: PAGE, after: deepCursor }, owner.token));
    const sqlFirst = await timeRequests(() => client!.query(BASELINE_SQL, [owner.id, null, null]));
    const sqlDeep = await timeRequests(() => client!.query(BASELINE_SQL, [owner.id, anchor!.createdAt, anchor!.id]));

    // ---- estimateTrainingCost: through GraphQL, and the planTraining call under it ----------------------
    const estimateInput = { datasetId: globalId('Dataset', datasetIds.owner), presetId: 'balanced', gpu: { type: 'A100-80GB', count: 2 } };
    const sample = await gql<{ estimateTrainingCost: { __typename: string; throughputSource?: string; calibrationRuns?: number } }>(
      ESTIMATE,
      { input: estimateInput },
      owner.token,
    );
    if (sample.estimateTrainingCost.__typename !== 'TrainingEstimate') throw new Error(`estimate failed: ${JSON.stringify(sample)}`);
    const request = { datasetId: datasetIds.owner, presetId: 'balanced', gpu: { type: 'A100-80GB', count: 2 } };
    const estimateHttp = await timeRequests(() => gql(ESTIMATE, { input: estimateInput }, owner.token));
    const estimatePlan = await timeRequests(() => planTraining(owner.id, request, {}));

    const pages = `${JOBS.toLocaleString('en')} jobs for the user, ${(OTHER_USERS * JOBS_PER_OTHER_USER).toLocaleString('en')} for ${OTHER_USERS} others; ${REQUESTS} sequential requests`;
    const statements = `${listFirst.statements.min}–${listFirst.statements.max} on the first page, ${listDeep.statements.min}–${listDeep.statements.max} on the deep page`;
    const calibration = `throughput ${sample.estimateTrainingCost.throughputSource} from ${sample.estimateTrainingCost.calibrationRuns} runs`;
    return [
      row(
        'trainingJobs(first: 50) first page p50',
        listFirst.timing.p50,
        sqlFirst.timing.p50,
        'ms',
        `ours: HTTP + GraphQL; baseline: the same page's keyset SQL over pg, no HTTP or GraphQL; ${pages}`,
      ),
      row('trainingJobs(first: 50) first page p99', listFirst.timing.p99, sqlFirst.timing.p99, 'ms', undefined, LIST_P99_TARGET_MS),
      row(
        `trainingJobs(first: 50) page after ${DEEP_OFFSET.toLocaleString('en')} p50`,
        listDeep.timing.p50,
        sqlDeep.timing.p50,
        'ms',
        'cursor from the API, same rows as the SQL; baseline: that keyset SQL over pg',
      ),
      row(`trainingJobs(first: 50) page after ${DEEP_OFFSET.toLocaleString('en')} p99`, listDeep.timing.p99, sqlDeep.timing.p99, 'ms', undefined, LIST_P99_TARGET_MS),
      {
        figure: 'SQL statements per trainingJobs request',
        ours: listDeep.statements.max,
        baseline: 1,
        unit: 'statements',
        ratio: listDeep.statements.max,
        target: 'constant across pages',
        pass: listFirst.statements.min === listFirst.statements.max && listDeep.statements.min === listDeep.statements.max && listFirst.statements.max === listDeep.statements.max,
        note: `${statements} (auth included; baseline: the one keyset query)`,
      },
      row(
        'estimateTrainingCost over GraphQL p50',
        estimateHttp.timing.p50,
        estimatePlan.timing.p50,
        'ms',
        `baseline: planTraining in-process (dataset + calibration queries), no HTTP or GraphQL; ${calibration}`,
      ),
      row(
        'estimateTrainingCost over GraphQL p99',
        estimateHttp.timing.p99,
        estimatePlan.timing.p99,
        'ms',
        `${estimateHttp.statements.max} SQL statements per request`,
        ESTIMATE_P99_TARGET_MS,
      ),
    ];
  } finally {
    await client?.end().catch(() => {});
    await stack.close();
  }
}

/**
 * One statement per table: the owner's 100,000 jobs and the others', with a realistic mix of statuses, GPUs and
 * presets, completed runs carrying a measured throughput (so the estimate calibrates over a long history), and
 * creation times three to a millisecond so the list's id tie-break is exercised.
 */
async function seed(client: pg.Client, ownerId: string, others: string[]): Promise<{ owner: string }> {
  const datasets = new Map<string, string>();
  for (const userId of [ownerId, ...others]) {
    const id = randomUUID();
    datasets.set(userId, id);
    const statistics = DATASET_STATISTICS;
    await client.query(
      `INSERT INTO "Dataset" (id, "ownerId", name, "baseModelId", "fileName", "fileSize", "contentType", "storagePath", status, statistics, "validatedAt")
       VALUES ($1, $2, 'bench data', $3, 'train.jsonl', 1000000, 'application/jsonl', $4, 'READY', $5, now())`,
      [id, userId, DEFAULT_BASE_MODEL_ID, `${userId}/${id}/train.jsonl`, JSON.stringify(statistics)],
    );
  }
  // Every job carries an estimate of the shape the app stores (calibration and the API read it back), made the app's way.
  const { estimate } = await planTraining(ownerId, { datasetId: datasets.get(ownerId)!, presetId: 'balanced', gpu: { type: 'A100-80GB', count: 2 } }, {});
  const insert = (userId: string, count: number) =>
    client.query(
      `INSERT INTO "TrainingJob" (id, "ownerId", "datasetId", name, "presetId", "baseModelId", hyperparameters, "gpuType", "gpuCount",
         status, stage, progress, "currentEpoch", "totalEpochs", "currentStep", "totalSteps", estimate, "estimatedCost", "currentCost", "finalCost",
         "measuredTokensPerSecond", provider, "externalJobId", "queuedAt", "startedAt", "completedAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, $2, 'bench run ' || i, (ARRAY['fast','balanced','quality'])[1 + i % 3], $3,
         '{"epochs":3,"learningRate":0.0002,"batchSize":8,"loraRank":16,"loraAlpha":32,"loraDropout":0.1,"maxSeqLength":2048,"warmupRatio":0.03,"gradientAccumulation":1,"quantization":"NF4"}'::jsonb,
         (ARRAY['A100-80GB','A100-40GB','H100-80GB','V100-32GB'])[1 + i % 4], (ARRAY[1,2,4,8])[1 + (i / 4) % 4],
         s.status::"TrainingJobStatus", CASE WHEN s.status = 'RUNNING' THEN 'TRAINING'::"TrainingStage" END,
         CASE WHEN s.status = 'COMPLETED' THEN 100 ELSE 40 END, 1.2, 3, 300, 750,
         $5::jsonb, 1.752916, 1.5, CASE WHEN s.status IN ('COMPLETED','FAILED','CANCELLED') THEN 1.5 END,
         CASE WHEN s.status = 'COMPLETED' THEN 2000 + i % 700 END, 'simulated', 'bench-' || gen_random_uuid(),
         t.created, t.created + interval '1 minute', CASE WHEN s.status IN ('COMPLETED','FAILED','CANCELLED') THEN t.created + interval '40 minutes' END,
         t.created, t.created
       FROM generate_series(1, $4::int) AS i,
         LATERAL (SELECT CASE WHEN i % 20 < 14 THEN 'COMPLETED' WHEN i % 20 < 17 THEN 'FAILED' WHEN i % 20 < 19 THEN 'CANCELLED'
                              WHEN i % 3 = 0 THEN 'RUNNING' ELSE 'QUEUED' END AS status) s,
         LATERAL (SELECT now() - ((i / 3) * interval '1 millisecond') - ((i / 3) * interval '7 seconds') AS created) t`,
      [userId, datasets.get(userId), DEFAULT_BASE_MODEL_ID, count, JSON.stringify(estimate)],
    );
  await insert(ownerId, JOBS);
  for (const other of others) await insert(other, JOBS_PER_OTHER_USER);
  await client.query('ANALYZE "TrainingJob"; ANALYZE "Dataset"');
  return { owner: datasets.get(ownerId)! };
}

/** p50/p99 in ms of sequential calls after a warm-up, and the SQL statements the app's pool sent per call. */
async function timeRequests(call: () => Promise<unknown>): Promise<{ timing: Timing; statements: { min: number; max: number } }> {
  for (let i = 0; i < WARM_UP; i++) await call();
  const samples: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const before = statementCounter.count;
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
    counts.push(statementCounter.count - before);
  }
  samples.sort((a, b) => a - b);
  return {
    timing: { p50: samples[Math.floor(REQUESTS * 0.5)]!, p99: samples[Math.floor(REQUESTS * 0.99)]! },
    statements: { min: Math.min(...counts), max: Math.max(...counts) },
  };
}

function row(figure: string, ours: number, baseline: number, unit: string, note?: string, target?: number): BenchRow {
  return {
    figure,
    ours,
    baseline,
    unit,
    ratio: ours / baseline,
    ...(target === undefined ? {} : { target: `< ${target} ${unit}`, pass: ours < target }),
    ...(note ? { note } : {}),
  };
}

const rawId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1]!;
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

/** An API cursor pointing at another row: the cursor format stays the plugin's, only the row's keys change. */
function cursorAt(cursor: string, from: { id: string; createdAt: Date }, to: { id: string; createdAt: Date }): string {
  const decoded = Buffer.from(cursor, 'base64').toString();
  // Pothos writes a Date as D:<epoch ms>.
  const [fromTime, toTime] = [`D:${from.createdAt.getTime()}`, `D:${to.createdAt.getTime()}`];
  if (!decoded.includes(from.id) || !decoded.includes(fromTime)) throw new Error(`cursor ${decoded} does not carry the row ${from.id}`);
  return Buffer.from(decoded.replace(from.id, to.id).replace(fromTime, toTime)).toString('base64');
}

function assertSame(what: string, ours: string[], baseline: string[]): void {
  if (ours.length !== PAGE || JSON.stringify(ours) !== JSON.stringify(baseline)) {
    throw new Error(`${what}: the API returned other rows than the baseline SQL (${ours.length} vs ${baseline.length} rows)`);
  }
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(formatBenchRows(await runTrainingJobsBench()));
}
