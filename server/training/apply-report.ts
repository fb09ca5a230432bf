// Applies what a GPU provider reports (a callback or a status poll) to a job:
// stores new points once, moves progress and stage forward only, walks the
// state machine to the reported state, and publishes after each commit.
// Safe to call twice with the same report and in any order.
import { pool } from '../db/client.js';
import type { TrainingJob, TrainingJobStatus } from '../db/generated/prisma/client.js';
import type { ProviderArtifact, ProviderJobState, ProviderMetricPoint, ProviderStage } from '../gpu/provider.js';
import { MAX_STATUS_POINTS } from '../gpu/provider.js';
import type { Services } from '../services.js';
import { contiguousStep, insertPoints, meanThroughput } from './metric-store.js';
import { isTerminal } from './status.js';
import { publishJobUpdated, transitionJob } from './transitions.js';

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
const STAGE_RANK_SQL = `CASE stage ${Object.entries(STAGE_RANK).map(([s, r]) => `WHEN '${s}' THEN ${r}`).join(' ')} ELSE 0 END`;

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

/** Moves progress forward; returns the job's row, or null when the job is not active. */
async function recordProgress(jobId: string, report: ProviderReport): Promise<TrainingJob | null> {
  const last = report.points.reduce<ProviderMetricPoint | null>((a, p) => (!a || p.step > a.step ? p : a), null);
  const step = Math.max(report.step, last?.step ?? 0);
  const { rows } = await pool.query<TrainingJob>(
    `UPDATE "TrainingJob" SET
       "lastHeartbeatAt" = CASE WHEN $2 > "currentStep" OR ($4::"TrainingStage" IS NOT NULL AND $4::"TrainingStage" IS DISTINCT FROM stage) THEN now() ELSE "lastHeartbeatAt" END,
       "latestMetrics" = CASE WHEN $6::jsonb IS NOT NULL AND $2 >= "currentStep" THEN $6::jsonb ELSE "latestMetrics" END,
       "currentStep" = GREATEST("currentStep", $2),
       "totalSteps" = CASE WHEN $3 > 0 THEN $3 ELSE "totalSteps" END,
       "currentEpoch" = GREATEST("currentEpoch", $5),
       progress = GREATEST(progress, CASE WHEN $3 > 0 THEN LEAST(100, 100.0 * $2 / $3) ELSE 0 END),
       stage = CASE WHEN $4::"TrainingStage" IS NOT NULL AND $7 >= ${STAGE_RANK_SQL} THEN $4::"TrainingStage" ELSE stage END,
       "etaSeconds" = CASE WHEN $2 > 0 AND $3 > $2 AND "startedAt" IS NOT NULL
         THEN ceil(extract(epoch FROM now() - "startedAt") / $2 * ($3 - $2))::int
         WHEN $3 > 0 AND $2 >= $3 THEN 0 ELSE "etaSeconds" END,
       "updatedAt" = now()
     WHERE id = $1 AND status IN ('QUEUED', 'INITIALIZING', 'RUNNING')
     RETURNING *`,
    [jobId, step, report.totalSteps, report.stage, report.epoch, last ? JSON.stringify(last) : null, report.stage ? STAGE_RANK[report.stage] : 0],
  );
  return rows[0] ?? null;
}

/** Before a job ends, fetch any points callbacks dropped, so its series is whole. */
async function catchUpPoints(services: Services, job: TrainingJob): Promise<number[]> {
  if (!job.externalJobId) return [];
  const added: number[] = [];
  for (let round = 0; round < 10_000; round++) {
    const status = await services.gpu.status(job.externalJobId, await contiguousStep(job.id));
    added.push(...(await insertPoints(job.id, status.points)));
    if (status.points.length < MAX_STATUS_POINTS) break;
  }
  return added;
}

function publishPoints(services: Services, jobId: string, steps: number[]): void {
  if (steps.length > 0) services.pubsub.publish('trainingMetrics', jobId, { jobId, fromStep: steps[0]!, toStep: steps.at(-1)! });
}

export async function applyProviderReport(services: Services, jobId: string, report: ProviderReport): Promise<void> {
  const newSteps = await insertPoints(jobId, report.points);
  publishPoints(services, jobId, newSteps);
  const job = await recordProgress(jobId, report);
  if (!job) return; // finished already: a late report changes nothing
  publishJobUpdated(services, jobId);

  const path = PATH[report.state].filter((s) => ORDER.indexOf(s) > ORDER.indexOf(job.status) || !ORDER.includes(s));
  for (const to of path) {
    if (isTerminal(to)) {
      publishPoints(services, jobId, await catchUpPoints(services, job));
      const measured = to === 'COMPLETED' ? await meanThroughput(jobId) : null;
      const message =
        to === 'COMPLETED' ? 'Training completed' : to === 'FAILED' ? `Failed: ${report.error?.message ?? 'the provider reported a failure'}` : 'Cancelled at the provider';
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
}
