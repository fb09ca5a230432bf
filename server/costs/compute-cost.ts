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

/** A TRAINING_COMPUTE record's details: what it bills, and whether it is the job's last (its settlement). */
function computeDetails(job: TrainingJob, seconds: number, final: boolean): Prisma.InputJsonObject {
  return { gpuType: job.gpuType, gpuCount: job.gpuCount, billedSecondsTotal: seconds, ...(final ? { final: true } : {}) };
}

/**
 * Records the job's compute cost up to `at` in one round trip: the function record_compute_cost (migration
 * 20261208000000), which locks the job, sums its records after the lock and records the difference once. Its key
 * is the billed second an accrual ends at, or "final" for the settlement, so a retried write lands once. Returns the
 * job's cost (an ended job's settled cost, for an accrual that came too late).
 */
async function recordComputeCost(client: Pick<Prisma.TransactionClient, '$queryRaw'>, job: TrainingJob, at: Date, final: boolean): Promise<bigint> {
  const seconds = job.startedAt ? billedSeconds(job.startedAt, at) : 0;
  // An accrual bills whole seconds from the start; the settlement, up to the end.
  const periodEnd = final || !job.startedAt ? at : new Date(job.startedAt.getTime() + seconds * 1000);
  const [row] = await client.$queryRaw<{ cost: string }[]>`
    SELECT record_compute_cost(${job.id}::uuid, ${microsToUsd(jobCostMicros(job, at))}::numeric, ${at}, ${[...TERMINAL_JOB_STATUSES]}::text[],
      ${final}, ${job.billedUntil ?? job.startedAt ?? at}, ${periodEnd}, ${`job:${job.id}:compute:${final ? 'final' : seconds}`},
      ${JSON.stringify(computeDetails(job, seconds, final))}::jsonb)::text AS cost`;
  return usdToMicros(row!.cost);
}

/**
 * Records the compute cost accrued since the last record (running jobs), and returns the job's cost so far. A job
 * that ended (settled) meanwhile is not billed again, and a settlement that starts now waits for this accrual, so
 * it sees its record.
 */
export async function accrueComputeCost(job: TrainingJob, at: Date): Promise<bigint> {
  return job.startedAt ? recordComputeCost(db, job, at, false) : 0n;
}

/**
 * At a terminal state, in the transaction that ends the job: the final cost is the whole run's billed seconds ×
 * rate × count, and one last record makes the job's records add up to it.
 */
export async function settleComputeCost(tx: Prisma.TransactionClient, job: TrainingJob, endedAt: Date): Promise<string> {
  return microsToUsd(await recordComputeCost(tx, job, endedAt, true));
}

/** Seconds of running until the job's cost reaches `targetMicros` from `costMicros` (at least 0.2; Infinity when it costs nothing). */
export function secondsUntilCost(job: Pick<TrainingJob, 'gpuType' | 'gpuCount' | 'gpuHourlyRateUsd'>, costMicros: bigint, targetMicros: bigint): number {
  const perSecond = gpuSecondsMicros(job.gpuType as GpuType, job.gpuCount, 1, jobHourlyRate(job));
  return perSecond === 0n ? Infinity : Math.max(0.2, Number(targetMicros - costMicros) / Number(perSecond));
}
