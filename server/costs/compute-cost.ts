// Compute cost of a job: per-second GPU billing at the GPU type's hourly rate
// (or the rate its provider priced it at) × count, in exact micro-dollars. Accrued as cost records while the job runs;
// at the end a final record makes the job's records add up to its final cost.
import { db, type Prisma } from '../db/client.js';
import type { TrainingJob } from '../db/generated/prisma/client.js';
import type { GpuType } from '../gpu/provider.js';
import { gpuSecondsMicros, microsToUsd, usdToMicros } from './money.js';
import { TERMINAL_JOB_STATUSES } from '../db/training-status.js';

/** Whole seconds billed between two instants (a started second is billed). */
export function billedSeconds(from: Date, to: Date): number {
  return Math.max(0, Math.ceil((to.getTime() - from.getTime()) / 1000));
}

/** What the job has cost from its start to `at`. */
export function jobCostMicros(job: Pick<TrainingJob, 'gpuType' | 'gpuCount' | 'startedAt' | 'gpuHourlyRateUsd'>, at: Date): bigint {
  return job.startedAt ? gpuSecondsMicros(job.gpuType as GpuType, job.gpuCount, billedSeconds(job.startedAt, at), jobHourlyRate(job)) : 0n;
}

/** The job's own rate per GPU-hour (set when its provider prices it), or null for the GPU catalog's. */
export function jobHourlyRate(job: Pick<TrainingJob, 'gpuHourlyRateUsd'>): string | null {
  return job.gpuHourlyRateUsd === null ? null : job.gpuHourlyRateUsd.toFixed(6);
}

type Tx = Prisma.TransactionClient;

async function recordedMicros(tx: Tx, jobId: string): Promise<bigint> {
  const { _sum } = await tx.costRecord.aggregate({ where: { jobId, type: 'TRAINING_COMPUTE' }, _sum: { amount: true } });
  return _sum.amount ? usdToMicros(_sum.amount.toFixed(6)) : 0n;
}

/** A TRAINING_COMPUTE record's details: what it bills, and whether it is the job's last (its settlement). */
function computeDetails(job: TrainingJob, seconds: number, final: boolean): Prisma.InputJsonObject {
  return { gpuType: job.gpuType, gpuCount: job.gpuCount, billedSecondsTotal: seconds, ...(final ? { final: true } : {}) };
}

/** A compute record's dedupe key: `key` is the billed second it ends at, or "final". */
const computeDedupeKey = (jobId: string, key: string) => `job:${jobId}:compute:${key}`;

/** One TRAINING_COMPUTE record; its dedupe key makes a retried write land once. */
async function writeComputeRecord(tx: Tx, job: TrainingJob, micros: bigint, period: { seconds: number; periodStart: Date; periodEnd: Date; key: string }): Promise<void> {
  await tx.costRecord.createMany({
    data: {
      ownerId: job.ownerId,
      jobId: job.id,
      type: 'TRAINING_COMPUTE',
      amount: microsToUsd(micros),
      details: computeDetails(job, period.seconds, period.key === 'final'),
      periodStart: period.periodStart,
      periodEnd: period.periodEnd,
      dedupeKey: computeDedupeKey(job.id, period.key),
    },
    skipDuplicates: true,
  });
}

/**
 * Records the compute cost accrued since the last record (running jobs), and returns the job's cost so far: one round
 * trip, the function accrue_compute_cost (migration 20261207200000), which locks the job and sums its records after
 * the lock. Idempotent per instant: the record's key is the billed second it ends at. A job that ended (settled)
 * meanwhile is not billed again, and a settlement that starts now waits for this accrual, so it sees its record.
 */
export async function accrueComputeCost(job: TrainingJob, at: Date): Promise<bigint> {
  if (!job.startedAt) return 0n;
  const seconds = billedSeconds(job.startedAt, at);
  const total = microsToUsd(jobCostMicros(job, at));
  const periodEnd = new Date(job.startedAt.getTime() + seconds * 1000);
  const [row] = await db.$queryRaw<{ cost: string }[]>`
    SELECT accrue_compute_cost(${job.id}::uuid, ${total}::numeric, ${at}, ${[...TERMINAL_JOB_STATUSES]}::text[],
      ${job.billedUntil ?? job.startedAt}, ${periodEnd}, ${computeDedupeKey(job.id, String(seconds))},
      ${JSON.stringify(computeDetails(job, seconds, false))}::jsonb)::text AS cost`;
  return usdToMicros(row!.cost);
}

/**
 * At a terminal state: the final cost is the whole run's billed seconds ×
 * rate × count, and one last record makes the job's records add up to it.
 */
export async function settleComputeCost(tx: Tx, job: TrainingJob, endedAt: Date): Promise<string> {
  const total = jobCostMicros(job, endedAt);
  const already = await recordedMicros(tx, job.id);
  const seconds = job.startedAt ? billedSeconds(job.startedAt, endedAt) : 0;
  if (total !== already) {
    await writeComputeRecord(tx, job, total - already, { seconds, periodStart: job.billedUntil ?? job.startedAt ?? endedAt, periodEnd: endedAt, key: 'final' });
  }
  const finalCost = microsToUsd(total);
  await tx.trainingJob.update({ where: { id: job.id }, data: { finalCost, currentCost: finalCost, billedUntil: endedAt } });
  return finalCost;
}

/** Seconds of running until the job's cost reaches `targetMicros` from `costMicros` (at least 0.2; Infinity when it costs nothing). */
export function secondsUntilCost(job: Pick<TrainingJob, 'gpuType' | 'gpuCount' | 'gpuHourlyRateUsd'>, costMicros: bigint, targetMicros: bigint): number {
  const perSecond = gpuSecondsMicros(job.gpuType as GpuType, job.gpuCount, 1, jobHourlyRate(job));
  return perSecond === 0n ? Infinity : Math.max(0.2, Number(targetMicros - costMicros) / Number(perSecond));
}
