// Creates a training job from a checked plan: QUEUED, with its estimate and
// cost cap, a JOB_QUEUED notification and the submission job queued in the
// same transaction; refused when it could cross a monthly budget whose hard
// stop is on. A retried request with the same idempotency key returns the
// first job.
import { randomUUID } from 'node:crypto';
import { db } from '../db/client.js';
import type { TrainingJob } from '../db/generated/prisma/client.js';
import { assertWithinBudget } from '../costs/budget.js';
import { assertNoProblems, InvalidInputError, type FieldProblem } from '../errors.js';
import { readIdempotencyKey } from '../idempotency.js';
import { inTransaction } from '../queue/queue.js';
import { submitTrainingJob } from '../queue/definitions.js';
import { formatUsd } from '../notifications/format.js';
import { createNotification, publishNotification } from '../notifications/notify.js';
import type { Services } from '../services/services.js';
import { usdToMicros } from '../costs/money.js';
import { planTraining, type TrainingPlan, type TrainingRequest } from './plan-training.js';
import { publishJobUpdated } from './publish-job.js';
import { toJson } from '../db/json.js';

export interface CreateTrainingJobInput extends TrainingRequest {
  name?: string | null;
  /** Stop the job when its running cost reaches this many USD. */
  maxCostUsd?: string | null;
  idempotencyKey?: string | null;
}

/** Problems with the fields planTraining does not see: the cost cap and the name. */
function ownProblems(input: CreateTrainingJobInput, name: string | null): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const cap = input.maxCostUsd;
  if (cap != null && (!/^\d+(\.\d{1,6})?$/.test(cap) || usdToMicros(cap) <= 0n)) {
    problems.push({ path: ['maxCostUsd'], message: 'must be a positive amount in USD with at most 6 decimals, e.g. "25.00"' });
  }
  if (name && name.length > 200) problems.push({ path: ['name'], message: 'must be at most 200 characters' });
  return problems;
}

/** The plan, or one InvalidInputError with every problem: the job's own fields' and the plan's together. */
async function checkedPlan(services: Services, ownerId: string, input: CreateTrainingJobInput, own: FieldProblem[]) {
  let plan: TrainingPlan;
  try {
    plan = await planTraining(ownerId, input, services.gpu);
  } catch (err) {
    if (err instanceof InvalidInputError && own.length > 0) throw new InvalidInputError([...own, ...err.problems]);
    throw err;
  }
  assertNoProblems(own);
  return plan;
}

export async function createTrainingJob(services: Services, ownerId: string, input: CreateTrainingJobInput): Promise<TrainingJob> {
  const { key, problems: keyProblems } = readIdempotencyKey(input.idempotencyKey);
  if (key) {
    const existing = await db.trainingJob.findUnique({ where: { ownerId_idempotencyKey: { ownerId, idempotencyKey: key } } });
    if (existing) return existing;
  }
  const name = input.name?.trim() || null;
  const plan = await checkedPlan(services, ownerId, input, [...ownProblems(input, name), ...keyProblems]);
  const maxCost = input.maxCostUsd ?? null;

  const id = randomUUID();
  const created = await db.$transaction(async (tx) => {
    // One creation per owner at a time past this point, so that two jobs started together cannot both take the
    // budget's last dollars: the second is checked once the first has committed (the check reads committed rows).
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`create-job:${ownerId}`}))`;
    await assertWithinBudget(ownerId, plan.estimate.costUsd, maxCost);
    // FOR SHARE: a concurrent deleteDataset (FOR UPDATE) waits, or we see its deletion.
    const live = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Dataset" WHERE id = ${plan.dataset.id}::uuid AND "deletedAt" IS NULL FOR SHARE`;
    if (live.length === 0) throw new InvalidInputError([{ path: ['datasetId'], message: 'the dataset was deleted' }]);
    const [job] = await tx.trainingJob.createManyAndReturn({
      data: {
        id,
        ownerId,
        datasetId: plan.dataset.id,
        name: name ?? `${plan.dataset.name} · ${plan.presetId}`,
        presetId: plan.presetId,
        baseModelId: plan.baseModel.id,
        hyperparameters: toJson(plan.hyperparameters),
        gpuType: plan.gpu.type,
        gpuCount: plan.gpu.count,
        totalEpochs: plan.hyperparameters.epochs,
        totalSteps: plan.estimate.steps,
        estimate: toJson(plan.estimate),
        estimatedCost: plan.estimate.costUsd,
        maxCost,
        etaSeconds: plan.estimate.durationSeconds,
        provider: services.gpu.name,
        gpuHourlyRateUsd: services.gpu.hourlyRateUsd ?? null,
        idempotencyKey: key,
      },
      skipDuplicates: true,
    });
    if (!job) return null; // a concurrent retry with the same key won
    await tx.trainingJobEvent.create({ data: { jobId: id, type: 'STATUS', toStatus: 'QUEUED', message: 'Job queued' } });
    await services.jobs.enqueue(submitTrainingJob, { jobId: id }, { tx: inTransaction(tx), singletonKey: id });
    const notificationId = await createNotification(
      {
        ownerId,
        type: 'JOB_QUEUED',
        title: `Training "${job.name}" queued`,
        message: `Estimated ${formatUsd(plan.estimate.costUsd)} and ${Math.round(plan.estimate.durationSeconds / 60)} min on ${plan.gpu.count}× ${plan.gpu.type}.`,
        priority: 'LOW',
        link: `/training/jobs/${id}`,
        metadata: { jobId: id },
        dedupeKey: `job:${id}:QUEUED`,
      },
      tx,
    );
    return { job, notificationId };
  });
  if (!created) return db.trainingJob.findUniqueOrThrow({ where: { ownerId_idempotencyKey: { ownerId, idempotencyKey: key! } } });
  publishJobUpdated(services, created.job);
  publishNotification(services, ownerId, created.notificationId);
  return created.job;
}
