// Applies what a GPU provider reports (a callback or a status poll) to a job:
// stores new points once, moves progress and stage forward only, walks the
// state machine to the reported state, and publishes after each commit.
// Safe to call twice with the same report and in any order.
import { db, pool, REPORT_POOL_SIZE, reportPool } from '../db/client.js';
import type { TrainingJobStatus } from '../db/generated/prisma/client.js';
import type { ProviderArtifact, ProviderJobState, ProviderMetricPoint, ProviderStage } from '../gpu/provider.js';
import { MAX_STATUS_POINTS } from '../gpu/provider.js';
import type { Services } from '../services/services.js';
import {
  contiguousStep,
  INSERT_POINT_COLUMNS,
  INSERTED_POINT_RETURNING,
  insertPoints,
  mayFillBlock,
  meanThroughput,
  pointRows,
  pointArrays,
  pointRowsFromArrays,
  STORED_STEPS_SQL,
  storedRows,
  SUMMARISE_FILLED_BLOCKS_CTES,
  type StoredSteps,
} from '../metrics/metric-store.js';
import { ACTIVE_JOB_STATUSES, isTerminal } from '../db/training-status.js';
import { publishJobProgress } from './publish-job.js';
import { transitionJob } from './transitions.js';
import { spendingStopOf } from './spending-stops.js';

export interface ProviderReport {
  state: ProviderJobState;
  stage: ProviderStage | null;
  step: number;
  totalSteps: number;
  epoch: number;
  points: ProviderMetricPoint[];
  artifacts: ProviderArtifact[];
  error: { code: string; message: string } | null;
}

/** TRAINING and EVALUATING alternate; every other stage only moves forward. */
const STAGE_RANK: Record<ProviderStage, number> = {
  PROVISIONING: 1,
  LOADING_MODEL: 2,
  TRAINING: 3,
  EVALUATING: 3,
  SAVING: 4,
  UPLOADING_ARTIFACTS: 5,
};
const stageRankSql = (stage: string) =>
  `CASE ${stage} ${Object.entries(STAGE_RANK)
    .map(([s, r]) => `WHEN '${s}' THEN ${r}`)
    .join(' ')} ELSE 0 END`;

/** The path through the state machine to a reported state. */
const PATH: Record<ProviderJobState, TrainingJobStatus[]> = {
  QUEUED: [],
  INITIALIZING: ['INITIALIZING'],
  RUNNING: ['INITIALIZING', 'RUNNING'],
  COMPLETED: ['INITIALIZING', 'RUNNING', 'COMPLETED'],
  FAILED: ['FAILED'],
  CANCELLED: ['CANCELLED'],
};
const ORDER: TrainingJobStatus[] = ['QUEUED', 'INITIALIZING', 'RUNNING', 'COMPLETED'];

/** A provider callback's identity: applied once per delivery, and only to the provider job the token's job runs as. */
export interface Delivery {
  deliveryId: string;
  externalId: string;
  /** When the callback reached the server (ms since the epoch): /metrics times its points' way to subscribers. */
  receivedAt?: number;
}

export type ApplyOutcome = { kind: 'applied' } | { kind: 'duplicate' } | { kind: 'not-found' } | { kind: 'wrong-job' } | { kind: 'finished'; status: TrainingJobStatus };

interface IngestRow {
  foundStatus: TrainingJobStatus | null;
  foundExternalId: string | null;
  seen: boolean;
  stored: StoredSteps | null;
  progressed: { status: TrainingJobStatus; externalJobId: string | null } | null;
  receiptStored: boolean;
}

const ACTIVE_SQL = ACTIVE_JOB_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * Whether the heartbeat (`column`) is old enough to move: once a second at most. It is indexed, so each move writes
 * every index of the job's row again (no HOT update); a report that leaves it alone updates the row in place. A
 * silent job is judged over minutes and a poll's backoff over its interval, so a second's lag changes neither.
 */
const heartbeatDueSql = (column: string) => `coalesce(${column} <= now() - interval '1 second', true)`;

/**
 * One statement, so a callback costs one round trip and one commit: checks the job (active, the same provider job,
 * delivery not seen), stores new points once (and the summaries of the metric blocks they fill), moves progress, stage and the heartbeat (new steps, a new stage, the
 * provider saying the job still waits for a GPU, or a trainer calling back while it loads) forward only, and records the delivery
 * when nothing else is left to do for it (no state change). A report that changes state records its delivery
 * after the transitions, so a delivery that failed half-way is applied again when retried.
 * Reports whose points end no block (most of a trainer's, a few steps each) go through COALESCED_INGEST_SQL instead,
 * many at once and without the summaries; a block filled out of order is summarised when a chart first reads it.
 */
const ingestAndSummariseSql = (onConflict: string) => `
WITH job AS (SELECT status, "externalJobId" FROM "TrainingJob" WHERE id = $1),
seen AS (SELECT 1 FROM "WebhookReceipt" WHERE "jobId" = $1 AND "deliveryId" = $8),
accepted AS (
  SELECT 1 FROM job WHERE status IN (${ACTIVE_SQL})
    AND ($9::text IS NULL OR "externalJobId" IS NULL OR "externalJobId" = $9)
    AND NOT EXISTS (SELECT 1 FROM seen)
),
inserted AS (
  ${INSERT_POINT_COLUMNS} ${pointRowsFromArrays(13)}
  WHERE EXISTS (SELECT 1 FROM accepted)
  ${onConflict} ${INSERTED_POINT_RETURNING}
),${SUMMARISE_FILLED_BLOCKS_CTES},
progressed AS (
  UPDATE "TrainingJob" SET
    "lastHeartbeatAt" = CASE WHEN ($2 > "currentStep" OR ($4::"TrainingStage" IS NOT NULL AND $4::"TrainingStage" IS DISTINCT FROM stage) OR $11)
      AND ${heartbeatDueSql('"lastHeartbeatAt"')} THEN now() ELSE "lastHeartbeatAt" END,
    "latestMetrics" = CASE WHEN $6::jsonb IS NOT NULL AND $2 >= "currentStep" THEN $6::jsonb ELSE "latestMetrics" END,
    "currentStep" = GREATEST("currentStep", $2),
    "totalSteps" = CASE WHEN $3 > 0 THEN $3 ELSE "totalSteps" END,
    "currentEpoch" = GREATEST("currentEpoch", $5),
    progress = GREATEST(progress, CASE WHEN $3 > 0 THEN LEAST(100, 100.0 * $2 / $3) ELSE 0 END),
    stage = CASE WHEN $4::"TrainingStage" IS NOT NULL AND $7 >= ${stageRankSql('stage')} THEN $4::"TrainingStage" ELSE stage END,
    "etaSeconds" = CASE WHEN $2 > 0 AND $3 > $2 AND "startedAt" IS NOT NULL AND $2 >= "currentStep"
      THEN ceil(extract(epoch FROM now() - "startedAt") / $2 * ($3 - $2))::int
      WHEN $3 > 0 AND $2 >= $3 THEN 0 ELSE "etaSeconds" END,
    "externalJobId" = coalesce("externalJobId", $9),
    -- A run calling back has claimed the job: no submission is left to wait for.
    "submitStartedAt" = CASE WHEN $9::text IS NULL THEN "submitStartedAt" END,
    "startedAt" = CASE WHEN $12 AND status = 'INITIALIZING' THEN now() ELSE "startedAt" END,
    "updatedAt" = now()
  WHERE id = $1 AND EXISTS (SELECT 1 FROM accepted) AND status IN (${ACTIVE_SQL})
  RETURNING status, "externalJobId"
),
receipt AS (
  INSERT INTO "WebhookReceipt" ("jobId", "deliveryId")
  SELECT $1, $8 FROM progressed WHERE $8::text IS NOT NULL AND progressed.status::text = ANY($10::text[])
  ON CONFLICT DO NOTHING RETURNING 1
)
SELECT (SELECT status FROM job) AS "foundStatus", (SELECT "externalJobId" FROM job) AS "foundExternalId",
  EXISTS (SELECT 1 FROM seen) AS seen, ${STORED_STEPS_SQL} AS stored,
  (SELECT row_to_json(progressed) FROM progressed) AS progressed, EXISTS (SELECT 1 FROM receipt) AS "receiptStored"`;

/**
 * The statement above in two forms, each named, so each connection parses and plans it once (the text is long and a
 * busy server sends it hundreds of times a second). A plain INSERT first: a callback's points are almost always
 * new, and ON CONFLICT's check before each row cost a quarter of a 500-point INSERT. Points already stored (a poll
 * filled them, or a report overlaps another) fail that statement whole, and the report runs again through the form
 * that skips them.
 */
const INGEST_AND_SUMMARISE = { name: 'apply-report-ingest-summarise', text: ingestAndSummariseSql('') };
const INGEST_AND_SUMMARISE_SKIPPING_STORED = {
  name: 'apply-report-ingest-summarise-skipping-stored',
  text: ingestAndSummariseSql('ON CONFLICT ("jobId", step) DO NOTHING'),
};

/** PostgreSQL refused a point because its job already has one at that step. */
const isStoredStep = (err: unknown) => {
  const { code, table } = err as { code?: string; table?: string };
  return code === '23505' && table === 'MetricPoint';
};

/**
 * The ingest statement for many reports at once, one per job: `$1` is a JSON array of IngestInput. The same checks
 * and writes as INGEST_AND_SUMMARISE's, each report's against its own job, with one parse, one plan, one round trip and one
 * commit for all of them. It leaves block summaries to the single statement (reports that may fill a block go
 * there, see ingest) and to the chart.
 */
const COALESCED_INGEST_SQL = `
WITH r AS MATERIALIZED (
  SELECT * FROM json_to_recordset($1::json) AS r(i int, "jobId" uuid, step int, "totalSteps" int, stage "TrainingStage", epoch float8,
    latest jsonb, "stageRank" int, points json, "deliveryId" text, "externalId" text, settled text[], alive boolean, queued boolean)
),
-- Index lookups per report (LATERAL … OFFSET 0): joined, the planner guessed 100 reports and hashed whole tables,
-- the receipts' growing with every callback.
job AS (SELECT r.i, j.status, j."externalJobId" FROM r CROSS JOIN LATERAL (SELECT status, "externalJobId" FROM "TrainingJob" WHERE id = r."jobId" OFFSET 0) AS j),
seen AS (
  SELECT r.i FROM r CROSS JOIN LATERAL (SELECT 1 FROM "WebhookReceipt" w WHERE w."jobId" = r."jobId" AND w."deliveryId" = r."deliveryId" OFFSET 0) AS w
),
accepted AS (
  SELECT r.* FROM r JOIN job USING (i)
  WHERE job.status IN (${ACTIVE_SQL})
    AND (r."externalId" IS NULL OR job."externalJobId" IS NULL OR job."externalJobId" = r."externalId")
    AND NOT EXISTS (SELECT 1 FROM seen WHERE seen.i = r.i)
),
inserted AS (
  ${INSERT_POINT_COLUMNS} ${pointRows('a."jobId"', 'accepted a CROSS JOIN LATERAL json_to_recordset(a.points)')}
  ON CONFLICT ("jobId", step) DO NOTHING RETURNING "jobId", step
),
progressed AS (
  UPDATE "TrainingJob" t SET
    "lastHeartbeatAt" = CASE WHEN (a.step > t."currentStep" OR (a.stage IS NOT NULL AND a.stage IS DISTINCT FROM t.stage) OR a.alive)
      AND ${heartbeatDueSql('t."lastHeartbeatAt"')} THEN now() ELSE t."lastHeartbeatAt" END,
    "latestMetrics" = CASE WHEN a.latest IS NOT NULL AND a.step >= t."currentStep" THEN a.latest ELSE t."latestMetrics" END,
    "currentStep" = GREATEST(t."currentStep", a.step),
    "totalSteps" = CASE WHEN a."totalSteps" > 0 THEN a."totalSteps" ELSE t."totalSteps" END,
    "currentEpoch" = GREATEST(t."currentEpoch", a.epoch),
    progress = GREATEST(t.progress, CASE WHEN a."totalSteps" > 0 THEN LEAST(100, 100.0 * a.step / a."totalSteps") ELSE 0 END),
    stage = CASE WHEN a.stage IS NOT NULL AND a."stageRank" >= ${stageRankSql('t.stage')} THEN a.stage ELSE t.stage END,
    "etaSeconds" = CASE WHEN a.step > 0 AND a."totalSteps" > a.step AND t."startedAt" IS NOT NULL AND a.step >= t."currentStep"
      THEN ceil(extract(epoch FROM now() - t."startedAt") / a.step * (a."totalSteps" - a.step))::int
      WHEN a."totalSteps" > 0 AND a.step >= a."totalSteps" THEN 0 ELSE t."etaSeconds" END,
    "externalJobId" = coalesce(t."externalJobId", a."externalId"),
    "submitStartedAt" = CASE WHEN a."externalId" IS NULL THEN t."submitStartedAt" END,
    "startedAt" = CASE WHEN a.queued AND t.status = 'INITIALIZING' THEN now() ELSE t."startedAt" END,
    "updatedAt" = now()
  FROM accepted a
  WHERE t.id = a."jobId" AND t.status IN (${ACTIVE_SQL})
  RETURNING a.i, t.status, t."externalJobId"
),
receipt AS (
  INSERT INTO "WebhookReceipt" ("jobId", "deliveryId")
  SELECT r."jobId", r."deliveryId" FROM progressed p JOIN r USING (i) WHERE r."deliveryId" IS NOT NULL AND p.status::text = ANY(r.settled)
  ON CONFLICT DO NOTHING RETURNING "jobId"
),
stored AS (SELECT "jobId", json_build_object('from', min(step), 'to', max(step), 'count', count(*)) AS stored FROM inserted GROUP BY "jobId")
SELECT r.i, job.status AS "foundStatus", job."externalJobId" AS "foundExternalId", EXISTS (SELECT 1 FROM seen WHERE seen.i = r.i) AS seen,
  stored.stored, (SELECT json_build_object('status', p.status, 'externalJobId', p."externalJobId") FROM progressed p WHERE p.i = r.i) AS progressed,
  EXISTS (SELECT 1 FROM receipt WHERE receipt."jobId" = r."jobId") AS "receiptStored"
FROM r LEFT JOIN job USING (i) LEFT JOIN stored USING ("jobId")`;

/** The state-machine path from `status` to what the report says, skipping states already passed. */
function pathFrom(status: TrainingJobStatus, state: ProviderJobState): TrainingJobStatus[] {
  return PATH[state].filter((s) => ORDER.indexOf(s) > ORDER.indexOf(status) || !ORDER.includes(s));
}

/** A report as one row of the coalesced statement's JSON parameter. */
interface IngestInput {
  i: number;
  jobId: string;
  step: number;
  totalSteps: number;
  stage: ProviderStage | null;
  epoch: number;
  latest: ProviderMetricPoint | null;
  stageRank: number;
  points: readonly ProviderMetricPoint[];
  deliveryId: string | null;
  externalId: string | null;
  /** The statuses in which this report needs no transition, so its delivery is done in this statement. */
  settled: TrainingJobStatus[];
  /**
   * Alive without a new step: a provider answering "still queued" (waiting for a free GPU), and a trainer
   * calling back while it starts (downloading and loading a large base model takes minutes).
   */
  alive: boolean;
  /** Compute is billed from when the provider starts on the job: while it still waits for a GPU, the start moves on. */
  queued: boolean;
}

function ingestInput(jobId: string, report: ProviderReport, delivery: Delivery | null): IngestInput {
  const last = report.points.reduce<ProviderMetricPoint | null>((a, p) => (!a || p.step > a.step ? p : a), null);
  return {
    i: 0,
    jobId,
    step: Math.max(report.step, last?.step ?? 0),
    totalSteps: report.totalSteps,
    stage: report.stage,
    epoch: report.epoch,
    latest: last,
    stageRank: report.stage ? STAGE_RANK[report.stage] : 0,
    points: report.points,
    deliveryId: delivery?.deliveryId ?? null,
    externalId: delivery?.externalId ?? null,
    settled: ACTIVE_JOB_STATUSES.filter((status) => pathFrom(status, report.state).length === 0),
    alive: report.state === 'QUEUED' || (delivery !== null && report.state === 'INITIALIZING'),
    queued: report.state === 'QUEUED',
  };
}

/**
 * A report whose points may end a block (a trainer's few steps do so once in BLOCK) goes alone through the statement
 * that also summarises the blocks it fills; the others wait for the coalesced statement (see Coalescer).
 */
async function ingest(jobId: string, report: ProviderReport, delivery: Delivery | null): Promise<IngestRow> {
  const input = ingestInput(jobId, report, delivery);
  if (!mayFillBlock(report.points)) return coalescer.ingest(input);
  const values = [
    jobId,
    input.step,
    input.totalSteps,
    input.stage,
    input.epoch,
    input.latest ? JSON.stringify(input.latest) : null,
    input.stageRank,
    input.deliveryId,
    input.externalId,
    input.settled,
    input.alive,
    input.queued,
    ...pointArrays(report.points),
  ];
  try {
    return (await pool.query<IngestRow>({ ...INGEST_AND_SUMMARISE, values })).rows[0]!;
  } catch (err) {
    if (!isStoredStep(err)) throw err;
    return (await pool.query<IngestRow>({ ...INGEST_AND_SUMMARISE_SKIPPING_STORED, values })).rows[0]!;
  }
}

/** Reports in one coalesced statement at most, so one statement's parameter stays bounded. */
const MAX_COALESCED = 200;
/**
 * Coalesced statements in flight at most. One at a time capped a server at a batch per commit's WAL flush: a
 * callback waited for the statement ahead and then its own, and senders with a bounded number of connections
 * (the bench's 64) fell behind. A few overlap their flushes (PostgreSQL commits them together), each on a connection
 * of reportPool, so none waits for one behind the polls and reads on the shared pool.
 */
const MAX_IN_FLIGHT = REPORT_POOL_SIZE;

interface Waiting {
  input: IngestInput;
  /** See orderKey. */
  order: string;
  /** The lowest and highest step of its points; null without points. */
  steps: [number, number] | null;
  resolve(row: IngestRow): void;
  reject(err: unknown): void;
  /** Set once in flight: marks the report answered, so the job's next report may resolve. */
  answered?: () => void;
}

/** A job's reports in statements in flight. */
interface JobInFlight {
  /** Their orderKey: all share one. */
  order: string;
  reports: Set<Waiting>;
  /** Settles when the latest of them is answered. */
  answered: Promise<void>;
}

/**
 * What two reports of a job must share for the order they apply in not to matter: the stage (TRAINING and
 * EVALUATING replace each other), the total steps, the provider job, and what they say of the job's state. Steps,
 * progress and the latest metrics only move forward, so their order never matters.
 */
const orderKey = (input: IngestInput) => JSON.stringify([input.stage, input.totalSteps, input.externalId, input.settled, input.alive, input.queued]);

/**
 * Whether a report may go while the job's reports in flight are not done: a callback (a poll's report may repeat
 * any step) with the same orderKey, a delivery of its own, and steps none of them has. Two statements of a job then
 * share only its row, whose lock the later one waits for, and apply in either order to the same end.
 */
function mayOverlap(job: JobInFlight, w: Waiting): boolean {
  if (w.input.deliveryId === null || job.order !== w.order) return false;
  for (const other of job.reports) {
    if (other.input.deliveryId === w.input.deliveryId || stepsMeet(other.steps, w.steps)) return false;
  }
  return true;
}

/** Whether two step ranges overlap. */
const stepsMeet = (a: [number, number] | null, b: [number, number] | null) => a !== null && b !== null && a[0] <= b[1] && b[0] <= a[1];

function stepRange(points: readonly ProviderMetricPoint[]): [number, number] | null {
  if (points.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const { step } of points) {
    from = Math.min(from, step);
    to = Math.max(to, step);
  }
  return [from, to];
}

/**
 * Sends the reports that arrive while the coalesced statements in flight are busy together in the next one, as
 * one statement and one commit: at 800 callbacks a second, one statement (and WAL flush) each kept PostgreSQL busy
 * with per-statement work and queued callbacks for pool connections. A report arriving when fewer than
 * MAX_IN_FLIGHT are in flight goes at once, so a quiet server adds no wait. A report resolves only after its
 * statement committed, so a callback is answered only once its points are durable.
 *
 * A statement carries one report per job, and statements of many jobs share none. A job's next report overlaps the
 * statements in flight for it only when the order of the two cannot matter (see mayOverlap), in a statement of its
 * own: a trainer's callbacks to one job then take a round trip each, not one after another, and a statement that
 * waits for a job's row holds no other, so two never wait on each other. Otherwise it waits for them, so a job's
 * reports that could clash apply in arrival order. Either way a job's reports resolve in arrival order, so its points
 * are published in order.
 */
class Coalescer {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  /** Per job, its reports in statements in flight. */
  private readonly jobs = new Map<string, JobInFlight>();

  ingest(input: IngestInput): Promise<IngestRow> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, order: orderKey(input), steps: stepRange(input.points), resolve, reject });
      this.start();
    });
  }

  private start(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length > 0) {
      const batch: Waiting[] = [];
      const later: Waiting[] = [];
      /** Jobs with a report in this batch or one left waiting: their later reports wait too, so none overtakes. */
      const held = new Set<string>();
      /** The first waiting report that may overlap its job's statements in flight: it goes alone (see mayOverlap). */
      let alone: Waiting | null = null;
      for (const w of this.waiting) {
        const { jobId } = w.input;
        const job = this.jobs.get(jobId);
        if (!held.has(jobId) && !job && batch.length < MAX_COALESCED) batch.push(w);
        else {
          if (!held.has(jobId) && job && !alone && mayOverlap(job, w)) alone = w;
          later.push(w);
        }
        held.add(jobId);
      }
      // Reports of jobs with nothing in flight go first, many to a statement; one that overlaps takes a free slot alone.
      if (batch.length === 0 && alone) {
        batch.push(alone);
        later.splice(later.indexOf(alone), 1);
      }
      this.waiting = later;
      if (batch.length === 0) return; // every waiting report waits for a statement in flight
      const answered = batch.map((w) => this.enter(w));
      this.inFlight++;
      void this.run(batch, answered).finally(() => {
        for (const w of batch) this.leave(w);
        this.inFlight--;
        this.start();
      });
    }
  }

  /** Counts the report in flight for its job; returns when the job's report before it is answered (resolved or rejected). */
  private enter(w: Waiting): Promise<void> {
    const job = this.jobs.get(w.input.jobId) ?? { order: w.order, reports: new Set<Waiting>(), answered: Promise.resolve() };
    this.jobs.set(w.input.jobId, job);
    job.reports.add(w);
    const before = job.answered;
    job.answered = new Promise((done) => (w.answered = done));
    return before;
  }

  private leave(w: Waiting): void {
    const job = this.jobs.get(w.input.jobId)!;
    job.reports.delete(w);
    if (job.reports.size === 0) this.jobs.delete(w.input.jobId);
  }

  /** `before[i]`: when batch[i]'s job's report before it is answered, so a job's reports resolve in arrival order. */
  private async run(batch: Waiting[], before: Promise<void>[]): Promise<void> {
    const answer = async (i: number, settle: () => void) => {
      await before[i];
      settle();
      batch[i]!.answered!();
    };
    try {
      const { rows } = await reportPool.query<IngestRow & { i: number }>({
        name: 'apply-report-ingest',
        text: COALESCED_INGEST_SQL,
        values: [JSON.stringify(batch.map((w, i) => ({ ...w.input, i })))],
      });
      const byIndex = new Map(rows.map((row) => [row.i, row]));
      for (const [i, w] of batch.entries()) void answer(i, () => w.resolve(byIndex.get(i)!));
    } catch (err) {
      if (batch.length === 1) return void answer(0, () => batch[0]!.reject(err));
      // A statement fails whole (one report's value PostgreSQL refuses, a lost connection): each report alone, so
      // only the failing one's caller sees the error.
      for (const [i, w] of batch.entries()) await this.run([w], [before[i]!]);
    }
  }
}

const coalescer = new Coalescer();

/** Before a job ends, fetch any points callbacks dropped, so its series is whole. */
async function catchUpPoints(services: Services, jobId: string, externalJobId: string | null): Promise<StoredSteps | null> {
  if (!externalJobId) return null;
  let added: StoredSteps | null = null;
  for (let round = 0; round < 10_000; round++) {
    const status = await services.gpu.status(externalJobId, await contiguousStep(jobId));
    const stored = await insertPoints(jobId, status.points);
    if (stored) added = added ? { from: Math.min(added.from, stored.from), to: Math.max(added.to, stored.to), count: added.count + stored.count } : stored;
    if (status.points.length < MAX_STATUS_POINTS) break;
  }
  return added;
}

/**
 * Tells subscribers (in every process) which steps are new, and counts them for /metrics. When every reported
 * point was new, this process's subscribers (if any) get them at once from `points`; other processes read them.
 */
function publishPoints(services: Services, jobId: string, stored: StoredSteps | null, points: readonly ProviderMetricPoint[] = [], receivedAt?: number): void {
  if (!stored) return;
  services.observability.pointsIngested.inc(stored.count);
  const rows = stored.count === points.length && services.metricFeeds.watching(jobId) ? storedRows([...points].sort((a, b) => a.step - b.step)) : null;
  if (rows) services.metricFeeds.deliver(jobId, rows, receivedAt);
  services.pubsub.publish('trainingMetrics', jobId, { jobId, fromStep: stored.from, toStep: stored.to, origin: rows ? services.metricFeeds.origin : undefined, receivedAt });
}

/**
 * Applies a report. With a delivery (a callback) it is applied once per delivery id, only while the job is active
 * and only from the provider job the job runs as; the outcome says which of those held.
 */
export async function applyProviderReport(services: Services, jobId: string, report: ProviderReport, delivery: Delivery | null = null): Promise<ApplyOutcome> {
  if (report.points.length > 0) services.metricFeeds.arriving(jobId);
  const row = await ingest(jobId, report, delivery);
  publishPoints(services, jobId, row.stored, report.points, delivery?.receivedAt);
  if (row.foundStatus === null) return { kind: 'not-found' };
  if (delivery && row.foundExternalId && row.foundExternalId !== delivery.externalId) return { kind: 'wrong-job' };
  if (isTerminal(row.foundStatus)) return { kind: 'finished', status: row.foundStatus }; // a late report changes nothing
  if (row.seen) return { kind: 'duplicate' };
  const job = row.progressed;
  if (!job) return { kind: 'finished', status: row.foundStatus }; // it ended meanwhile
  publishJobProgress(services, jobId);

  for (const to of pathFrom(job.status, report.state)) {
    if (isTerminal(to)) {
      publishPoints(services, jobId, await catchUpPoints(services, jobId, job.externalJobId));
      const measured = to === 'COMPLETED' ? await meanThroughput(jobId) : null;
      const message = to === 'FAILED' ? `Failed: ${report.error?.message ?? 'the provider reported a failure'}` : await endedAtProvider(jobId, to);
      await transitionJob(services, jobId, to, {
        message,
        data: {
          ...(to === 'FAILED' ? { errorCode: report.error?.code ?? 'PROVIDER_FAILED', errorMessage: report.error?.message ?? 'The GPU provider reported a failure.' } : {}),
          // A spending stop that the completion beat did not stop the run: its reason goes.
          ...(to === 'COMPLETED' ? { progress: 100, etaSeconds: 0, measuredTokensPerSecond: measured, errorCode: null, errorMessage: null } : {}),
        },
      });
    } else {
      await transitionJob(services, jobId, to, { message: to === 'RUNNING' ? 'Training started' : 'GPU allocated, starting up' });
    }
  }
  if (delivery && !row.receiptStored) {
    await pool.query(`INSERT INTO "WebhookReceipt" ("jobId", "deliveryId") VALUES ($1, $2) ON CONFLICT DO NOTHING`, [jobId, delivery.deliveryId]);
  }
  return { kind: 'applied' };
}

/**
 * What the timeline and the notification say of a run the provider reports completed or cancelled: the spending
 * limit that stopped it, or the one whose stop it beat (the owner was told it is being stopped), when there is one.
 */
async function endedAtProvider(jobId: string, to: TrainingJobStatus): Promise<string> {
  const { errorCode } = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId }, select: { errorCode: true } });
  const stop = spendingStopOf(errorCode);
  if (to === 'COMPLETED') return stop?.overtaken ?? 'Training completed';
  return stop?.stopped ?? 'Cancelled at the provider';
}
