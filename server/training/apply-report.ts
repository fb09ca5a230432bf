// Applies what a GPU provider reports (a callback or a status poll) to a job:
// stores new points once, moves progress and stage forward only, walks the
// state machine to the reported state, and publishes after each commit.
// Safe to call twice with the same report and in any order.
import { db, pool } from '../db/client.js';
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
  pointRowsFromJson,
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
const STAGE_RANK_SQL = `CASE stage ${Object.entries(STAGE_RANK)
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
 * One statement, so a callback costs one round trip and one commit: checks the job (active, the same provider job,
 * delivery not seen), stores new points once (and the summaries of the metric blocks they fill), moves progress, stage and the heartbeat (new steps, a new stage, the
 * provider saying the job still waits for a GPU, or a trainer calling back while it loads) forward only, and records the delivery
 * when nothing else is left to do for it (no state change). A report that changes state records its delivery
 * after the transitions, so a delivery that failed half-way is applied again when retried.
 * A report whose points end no block (most of a trainer's, a few steps each) runs it without the summaries; a block
 * filled out of order is summarised when a chart first reads it.
 */
const ingestSql = (summarise: boolean) => `
WITH job AS (SELECT status, "externalJobId" FROM "TrainingJob" WHERE id = $1),
seen AS (SELECT 1 FROM "WebhookReceipt" WHERE "jobId" = $1 AND "deliveryId" = $9),
accepted AS (
  SELECT 1 FROM job WHERE status IN (${ACTIVE_SQL})
    AND ($10::text IS NULL OR "externalJobId" IS NULL OR "externalJobId" = $10)
    AND NOT EXISTS (SELECT 1 FROM seen)
),
inserted AS (
  ${INSERT_POINT_COLUMNS} ${pointRowsFromJson(8)}
  WHERE EXISTS (SELECT 1 FROM accepted)
  ON CONFLICT ("jobId", step) DO NOTHING ${INSERTED_POINT_RETURNING}
),${summarise ? `${SUMMARISE_FILLED_BLOCKS_CTES},` : ''}
progressed AS (
  UPDATE "TrainingJob" SET
    "lastHeartbeatAt" = CASE WHEN $2 > "currentStep" OR ($4::"TrainingStage" IS NOT NULL AND $4::"TrainingStage" IS DISTINCT FROM stage) OR $12 THEN now() ELSE "lastHeartbeatAt" END,
    "latestMetrics" = CASE WHEN $6::jsonb IS NOT NULL AND $2 >= "currentStep" THEN $6::jsonb ELSE "latestMetrics" END,
    "currentStep" = GREATEST("currentStep", $2),
    "totalSteps" = CASE WHEN $3 > 0 THEN $3 ELSE "totalSteps" END,
    "currentEpoch" = GREATEST("currentEpoch", $5),
    progress = GREATEST(progress, CASE WHEN $3 > 0 THEN LEAST(100, 100.0 * $2 / $3) ELSE 0 END),
    stage = CASE WHEN $4::"TrainingStage" IS NOT NULL AND $7 >= ${STAGE_RANK_SQL} THEN $4::"TrainingStage" ELSE stage END,
    "etaSeconds" = CASE WHEN $2 > 0 AND $3 > $2 AND "startedAt" IS NOT NULL
      THEN ceil(extract(epoch FROM now() - "startedAt") / $2 * ($3 - $2))::int
      WHEN $3 > 0 AND $2 >= $3 THEN 0 ELSE "etaSeconds" END,
    "externalJobId" = coalesce("externalJobId", $10),
    -- A run calling back has claimed the job: no submission is left to wait for.
    "submitStartedAt" = CASE WHEN $10::text IS NULL THEN "submitStartedAt" END,
    "startedAt" = CASE WHEN $13 AND status = 'INITIALIZING' THEN now() ELSE "startedAt" END,
    "updatedAt" = now()
  WHERE id = $1 AND EXISTS (SELECT 1 FROM accepted) AND status IN (${ACTIVE_SQL})
  RETURNING status, "externalJobId"
),
receipt AS (
  INSERT INTO "WebhookReceipt" ("jobId", "deliveryId")
  SELECT $1, $9 FROM progressed WHERE $9::text IS NOT NULL AND progressed.status::text = ANY($11::text[])
  ON CONFLICT DO NOTHING RETURNING 1
)
SELECT (SELECT status FROM job) AS "foundStatus", (SELECT "externalJobId" FROM job) AS "foundExternalId",
  EXISTS (SELECT 1 FROM seen) AS seen, ${STORED_STEPS_SQL} AS stored,
  (SELECT row_to_json(progressed) FROM progressed) AS progressed, EXISTS (SELECT 1 FROM receipt) AS "receiptStored"`;
const INGEST_SQL = ingestSql(false);
const INGEST_AND_SUMMARISE_SQL = ingestSql(true);

/** The state-machine path from `status` to what the report says, skipping states already passed. */
function pathFrom(status: TrainingJobStatus, state: ProviderJobState): TrainingJobStatus[] {
  return PATH[state].filter((s) => ORDER.indexOf(s) > ORDER.indexOf(status) || !ORDER.includes(s));
}

async function ingest(jobId: string, report: ProviderReport, delivery: Delivery | null): Promise<IngestRow> {
  const last = report.points.reduce<ProviderMetricPoint | null>((a, p) => (!a || p.step > a.step ? p : a), null);
  const step = Math.max(report.step, last?.step ?? 0);
  // The statuses in which this report needs no transition, so its delivery is done in this statement.
  const settled = ACTIVE_JOB_STATUSES.filter((status) => pathFrom(status, report.state).length === 0);
  // Named, so each connection parses and plans it once: the text is long and a busy server sends it hundreds of times a second.
  const summarise = mayFillBlock(report.points);
  const { rows } = await pool.query<IngestRow>({
    name: summarise ? 'apply-report-ingest-summarise' : 'apply-report-ingest',
    text: summarise ? INGEST_AND_SUMMARISE_SQL : INGEST_SQL,
    values: [
      jobId,
      step,
      report.totalSteps,
      report.stage,
      report.epoch,
      last ? JSON.stringify(last) : null,
      report.stage ? STAGE_RANK[report.stage] : 0,
      JSON.stringify(report.points),
      delivery?.deliveryId ?? null,
      delivery?.externalId ?? null,
      settled,
      // Alive without a new step: a provider answering "still queued" (waiting for a free GPU), and a trainer
      // calling back while it starts (downloading and loading a large base model takes minutes).
      report.state === 'QUEUED' || (delivery !== null && report.state === 'INITIALIZING'),
      // Compute is billed from when the provider starts on the job: while it still waits for a GPU, the start moves on.
      report.state === 'QUEUED',
    ],
  });
  return rows[0]!;
}

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
      const message =
        to === 'COMPLETED' ? 'Training completed' : to === 'FAILED' ? `Failed: ${report.error?.message ?? 'the provider reported a failure'}` : await cancelledAtProvider(jobId);
      await transitionJob(services, jobId, to, {
        message,
        data: {
          ...(to === 'FAILED' ? { errorCode: report.error?.code ?? 'PROVIDER_FAILED', errorMessage: report.error?.message ?? 'The GPU provider reported a failure.' } : {}),
          ...(to === 'COMPLETED' ? { progress: 100, etaSeconds: 0, measuredTokensPerSecond: measured } : {}),
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

/** Why a run the provider reports cancelled ended: the spending limit that stopped it, when one did (the provider may report it before the cancel job does). */
async function cancelledAtProvider(jobId: string): Promise<string> {
  const { errorCode } = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId }, select: { errorCode: true } });
  return spendingStopOf(errorCode)?.stopped ?? 'Cancelled at the provider';
}
