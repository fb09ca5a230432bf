// Training: catalogs (presets, GPU types, bounds), the cost estimate, jobs
// (create, cancel, list, detail) and the trainingJobUpdated subscription.
import type { InputFieldBuilder } from '@pothos/core';
import { db } from '../server/db/client.js';
import { TrainingJobStatus, TrainingStage } from '../server/db/generated/prisma/enums.js';
import { NotFoundError } from '../server/errors.js';
import type { Hyperparameters } from '../server/gpu/provider.js';
import { GPU_TYPES, PRESETS, type GpuSpec, type Preset } from '../server/catalog/training.js';
import { BudgetExceededError } from '../server/costs/budget.js';
import { cancelTrainingJob, JobAlreadyFinishedError } from '../server/training/cancel-training-job.js';
import { createTrainingJob } from '../server/training/create-training-job.js';
import { COST_FORMULA, type TrainingEstimate } from '../server/training/estimate.js';
import type { MetricPointRow } from '../server/metrics/metric-store.js';
import { readEstimate } from '../server/training/stored-estimate.js';
import { BOUNDS } from '../server/training/hyperparameters.js';
import { DatasetNotReadyError, planTraining, type TrainingRequest } from '../server/training/plan-training.js';
import { builder, viewerId, type BuilderTypes } from './builder.js';
import { BaseModelRef, baseModelOf } from './catalog.js';
import { DatasetRef } from './dataset.js';
import { ErrorInterface, InvalidInputError } from './errors.js';
import { ownedUpdates } from './subscriptions.js';
import { readHyperparameters } from '../server/training/hyperparameters.js';

const QuantizationEnum = builder.enumType('Quantization', {
  values: { NF4: { description: '4-bit QLoRA' }, INT8: { description: '8-bit' }, NONE: { description: '16-bit, no quantization' } } as const,
});
const StatusEnum = builder.enumType(TrainingJobStatus, { name: 'TrainingJobStatus' });
const StageEnum = builder.enumType(TrainingStage, { name: 'TrainingStage' });

const HyperparametersRef = builder.objectRef<Hyperparameters>('Hyperparameters').implement({
  fields: (t) => ({
    epochs: t.exposeInt('epochs'),
    learningRate: t.exposeFloat('learningRate'),
    batchSize: t.exposeInt('batchSize'),
    loraRank: t.exposeInt('loraRank'),
    loraAlpha: t.exposeInt('loraAlpha'),
    loraDropout: t.exposeFloat('loraDropout'),
    maxSeqLength: t.exposeInt('maxSeqLength'),
    warmupRatio: t.exposeFloat('warmupRatio'),
    gradientAccumulation: t.exposeInt('gradientAccumulation'),
    quantization: t.field({ type: QuantizationEnum, resolve: (h) => h.quantization }),
  }),
});

const HyperparametersInput = builder.inputType('HyperparametersInput', {
  description: "Overrides of the preset's values; omitted fields keep the preset's.",
  fields: (t) => ({
    epochs: t.int(),
    learningRate: t.float(),
    batchSize: t.int(),
    loraRank: t.int(),
    loraAlpha: t.int(),
    loraDropout: t.float(),
    maxSeqLength: t.int(),
    warmupRatio: t.float(),
    gradientAccumulation: t.int(),
    quantization: t.field({ type: QuantizationEnum }),
  }),
});

builder.queryField('trainingPresets', (t) =>
  t.field({
    type: [
      builder.objectRef<Preset>('TrainingPreset').implement({
        fields: (f) => ({
          id: f.exposeString('id'),
          name: f.exposeString('name'),
          description: f.exposeString('description'),
          hyperparameters: f.field({ type: HyperparametersRef, resolve: (p) => p.hyperparameters }),
        }),
      }),
    ],
    authScopes: { public: true },
    resolve: () => [...PRESETS],
  }),
);

const BoundRef = builder.objectRef<{ field: string; label: string; min: number; max: number | null; integer: boolean }>('HyperparameterBound').implement({
  description: 'The allowed range of one hyperparameter; max null means "up to the base model\'s context length".',
  fields: (t) => ({
    field: t.exposeString('field'),
    label: t.exposeString('label'),
    min: t.exposeFloat('min'),
    max: t.exposeFloat('max', { nullable: true }),
    integer: t.exposeBoolean('integer'),
  }),
});

builder.queryField('hyperparameterBounds', (t) =>
  t.field({
    type: [BoundRef],
    authScopes: { public: true },
    resolve: () => Object.entries(BOUNDS).flatMap(([field, b]) => ('min' in b ? [{ field, ...b }] : [])),
  }),
);

builder.queryField('gpuTypes', (t) =>
  t.field({
    type: [
      builder.objectRef<GpuSpec>('GpuType').implement({
        fields: (f) => ({
          type: f.exposeString('type'),
          name: f.exposeString('name'),
          memoryGb: f.exposeInt('memoryGb'),
          hourlyRateUsd: f.field({ type: 'Decimal', description: 'USD per GPU-hour.', resolve: (g) => g.hourlyRateUsd }),
          counts: f.exposeIntList('counts'),
          tokensPerSecond7B: f.exposeFloat('tokensPerSecond7B', { description: 'Catalog LoRA throughput of one GPU on a 7B model, 16-bit.' }),
        }),
      }),
    ],
    authScopes: { public: true },
    resolve: () => [...GPU_TYPES],
  }),
);

const CostLineRef = builder.objectRef<TrainingEstimate['breakdown'][number]>('CostLine').implement({
  fields: (t) => ({
    item: t.exposeString('item'),
    seconds: t.exposeInt('seconds'),
    costUsd: t.field({ type: 'Decimal', resolve: (l) => l.costUsd }),
  }),
});
const BoundEstimateRef = builder.objectRef<TrainingEstimate['low']>('EstimateBound').implement({
  fields: (t) => ({ durationSeconds: t.exposeInt('durationSeconds'), costUsd: t.field({ type: 'Decimal', resolve: (b) => b.costUsd }) }),
});

export const EstimateRef = builder.objectRef<TrainingEstimate>('TrainingEstimate').implement({
  description: COST_FORMULA,
  fields: (t) => ({
    tokensToTrain: t.exposeFloat('tokensToTrain'),
    steps: t.exposeInt('steps'),
    throughputTokensPerSecond: t.exposeFloat('throughputTokensPerSecond'),
    throughputSource: t.exposeString('throughputSource', { description: 'CATALOG, or CALIBRATED from your completed runs on this GPU type and model.' }),
    calibrationRuns: t.exposeInt('calibrationRuns'),
    startupOverheadSeconds: t.exposeInt('startupOverheadSeconds'),
    computeSeconds: t.exposeInt('computeSeconds'),
    durationSeconds: t.exposeInt('durationSeconds'),
    hourlyRateUsd: t.field({ type: 'Decimal', resolve: (e) => e.hourlyRateUsd }),
    costUsd: t.field({ type: 'Decimal', resolve: (e) => e.costUsd }),
    breakdown: t.field({ type: [CostLineRef], resolve: (e) => e.breakdown }),
    low: t.field({ type: BoundEstimateRef, resolve: (e) => e.low }),
    high: t.field({ type: BoundEstimateRef, resolve: (e) => e.high }),
  }),
});

builder.objectType(DatasetNotReadyError, {
  name: 'DatasetNotReadyError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ datasetId: t.globalID({ resolve: (e) => ({ type: DatasetRef, id: e.datasetId }) }), status: t.exposeString('status') }),
});
builder.objectType(JobAlreadyFinishedError, {
  name: 'JobAlreadyFinishedError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ jobId: t.globalID({ resolve: (e) => ({ type: TrainingJobRef, id: e.jobId }) }), status: t.exposeString('status') }),
});

const GpuInput = builder.inputType('GpuInput', {
  fields: (t) => ({ type: t.string({ required: true }), count: t.int({ required: true }) }),
});

/** The training request's fields, shared by the estimate and create inputs. */
const trainingConfigFields = (t: InputFieldBuilder<BuilderTypes, 'InputObject'>) => ({
  datasetId: t.globalID({ required: true, for: DatasetRef }),
  presetId: t.string({ description: 'fast, balanced (default) or quality.' }),
  baseModelId: t.string({ description: "Default: the dataset's target model." }),
  hyperparameters: t.field({ type: HyperparametersInput }),
  gpu: t.field({ type: GpuInput, required: true }),
});

const EstimateInput = builder.inputType('EstimateTrainingCostInput', { fields: (t) => trainingConfigFields(t) });

function toRequest(input: {
  datasetId: { id: string };
  presetId?: string | null;
  baseModelId?: string | null;
  hyperparameters?: Record<string, unknown> | null;
  gpu: { type: string; count: number };
}): TrainingRequest {
  const overrides = Object.fromEntries(Object.entries(input.hyperparameters ?? {}).filter(([, v]) => v != null));
  return { datasetId: input.datasetId.id, presetId: input.presetId, baseModelId: input.baseModelId, hyperparameters: overrides, gpu: input.gpu };
}

builder.queryField('estimateTrainingCost', (t) =>
  t.field({
    type: EstimateRef,
    description: 'What a training run would cost and take, with its breakdown and a low–high range. Cheap enough to call on every keystroke.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, DatasetNotReadyError, InvalidInputError] },
    args: { input: t.arg({ type: EstimateInput, required: true }) },
    resolve: async (_root, { input }, ctx) => (await planTraining(viewerId(ctx), toRequest(input), ctx.services.gpu)).estimate,
  }),
);

const MetricPointRef = builder
  // Stored rows, and points a live feed carries (recordedAt as an ISO string).
  .objectRef<Omit<MetricPointRow, 'recordedAt'> & { recordedAt: Date | string }>('MetricPoint')
  .implement({
    fields: (t) => ({
      step: t.exposeInt('step'),
      epoch: t.exposeFloat('epoch'),
      trainingLoss: t.exposeFloat('trainingLoss', { nullable: true }),
      validationLoss: t.exposeFloat('validationLoss', { nullable: true }),
      learningRate: t.exposeFloat('learningRate', { nullable: true }),
      gradNorm: t.exposeFloat('gradNorm', { nullable: true }),
      throughput: t.exposeFloat('throughput', { nullable: true, description: 'Tokens per second over all GPUs.' }),
      tokensTrained: t.exposeFloat('tokensTrained', { nullable: true }),
      gpuUtilization: t.exposeFloat('gpuUtilization', { nullable: true }),
      recordedAt: t.field({ type: 'DateTime', resolve: (p) => (p.recordedAt instanceof Date ? p.recordedAt : new Date(p.recordedAt)) }),
    }),
  });
export { MetricPointRef };

const JobEventRef = builder.prismaObject('TrainingJobEvent', {
  fields: (t) => ({
    type: t.exposeString('type'),
    toStatus: t.expose('toStatus', { type: StatusEnum, nullable: true }),
    stage: t.expose('stage', { type: StageEnum, nullable: true }),
    message: t.exposeString('message'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
void JobEventRef;

const GpuAllocationRef = builder.objectRef<{ type: string; count: number }>('GpuAllocation').implement({
  fields: (t) => ({ type: t.exposeString('type'), count: t.exposeInt('count') }),
});

export const TrainingJobRef = builder.prismaNode('TrainingJob', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, ownerId: viewerId(ctx) }),
  // node(id) of a missing or foreign object answers null, not an internal error.
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name'),
    dataset: t.relation('dataset'),
    status: t.expose('status', { type: StatusEnum }),
    stage: t.expose('stage', { type: StageEnum, nullable: true }),
    progress: t.exposeFloat('progress', { description: 'Percent, 0–100.' }),
    currentEpoch: t.exposeFloat('currentEpoch'),
    totalEpochs: t.exposeInt('totalEpochs'),
    currentStep: t.exposeInt('currentStep'),
    totalSteps: t.exposeInt('totalSteps'),
    latestMetrics: t.field({ type: MetricPointRef, nullable: true, select: { latestMetrics: true }, resolve: (j) => j.latestMetrics as never }),
    presetId: t.exposeString('presetId'),
    baseModel: t.field({ type: BaseModelRef, select: { baseModelId: true }, resolve: (j) => baseModelOf(j.baseModelId) }),
    hyperparameters: t.field({ type: HyperparametersRef, select: { hyperparameters: true }, resolve: (j) => readHyperparameters(j.hyperparameters) }),
    gpu: t.field({ type: GpuAllocationRef, select: { gpuType: true, gpuCount: true }, resolve: (j) => ({ type: j.gpuType, count: j.gpuCount }) }),
    estimate: t.field({ type: EstimateRef, select: { estimate: true }, resolve: (j) => readEstimate(j.estimate) }),
    estimatedCost: t.expose('estimatedCost', { type: 'Decimal' }),
    maxCost: t.expose('maxCost', { type: 'Decimal', nullable: true }),
    currentCost: t.expose('currentCost', { type: 'Decimal' }),
    finalCost: t.expose('finalCost', { type: 'Decimal', nullable: true }),
    etaSeconds: t.exposeInt('etaSeconds', { nullable: true }),
    provider: t.exposeString('provider'),
    externalJobId: t.exposeString('externalJobId', { nullable: true }),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    cancelRequestedAt: t.expose('cancelRequestedAt', { type: 'DateTime', nullable: true }),
    costCapReachedAt: t.expose('costCapReachedAt', { type: 'DateTime', nullable: true }),
    queuedAt: t.expose('queuedAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    events: t.relation('events', { description: 'The activity timeline, oldest first.', query: { orderBy: { createdAt: 'asc' } } }),
  }),
});

const JobFilter = builder.inputType('TrainingJobFilter', {
  fields: (t) => ({ status: t.field({ type: [StatusEnum] }), datasetId: t.globalID({ for: DatasetRef }) }),
});

function jobWhere(ownerId: string, filter: { status?: TrainingJobStatus[] | null; datasetId?: { id: string } | null } | null | undefined) {
  return {
    ownerId,
    ...(filter?.status?.length ? { status: { in: filter.status } } : {}),
    ...(filter?.datasetId ? { datasetId: filter.datasetId.id } : {}),
  };
}

type JobCursor = { ownerId_createdAt_id: { createdAt: Date; id: string } };

/**
 * The page beside a cursor as a keyset on (createdAt, id), which the list's index serves as one range: Prisma's
 * own cursor compares with a subquery and slows down with depth. Only the cursor's createdAt and id are used;
 * the owner always comes from the caller. A negative take is the page before the cursor (newer jobs).
 */
function keysetPage<Q extends { cursor?: JobCursor; skip?: number; take?: number }>(query: Q) {
  const { cursor, skip: _cursorRow, ...rest } = query;
  if (!cursor) return { query: rest, where: {} };
  const { createdAt, id } = cursor.ownerId_createdAt_id;
  const [bound, beyond] = (rest.take ?? 0) < 0 ? (['gte', 'gt'] as const) : (['lte', 'lt'] as const);
  return {
    query: rest,
    where: { AND: [{ createdAt: { [bound]: createdAt } }, { OR: [{ createdAt: { [beyond]: createdAt } }, { createdAt, id: { [beyond]: id } }] }] },
  };
}

builder.queryField('trainingJobs', (t) =>
  t.prismaConnection({
    type: 'TrainingJob',
    cursor: 'ownerId_createdAt_id',
    description: "The caller's training jobs, newest first.",
    authScopes: { user: true },
    args: { filter: t.arg({ type: JobFilter }) },
    totalCount: (_parent, args, ctx) => db.trainingJob.count({ where: jobWhere(viewerId(ctx), args.filter) }),
    resolve: (query, _root, args, ctx) => {
      const page = keysetPage(query as typeof query & { cursor?: JobCursor });
      return db.trainingJob.findMany({
        ...page.query,
        where: { ...jobWhere(viewerId(ctx), args.filter), ...page.where },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
    },
  }),
);

builder.queryField('trainingJob', (t) =>
  t.prismaField({
    type: 'TrainingJob',
    nullable: true,
    authScopes: { user: true },
    args: { id: t.arg.globalID({ required: true, for: TrainingJobRef }) },
    resolve: (query, _root, { id }, ctx) => db.trainingJob.findFirst({ ...query, where: { id: id.id, ownerId: viewerId(ctx) } }),
  }),
);

const CreateJobInput = builder.inputType('CreateTrainingJobInput', {
  fields: (t) => ({
    ...trainingConfigFields(t),
    name: t.string(),
    maxCostUsd: t.field({ type: 'Decimal', description: 'Stop the job when its running cost reaches this many USD.' }),
    idempotencyKey: t.string({ description: 'A retried request with the same key returns the job the first one made.' }),
  }),
});

const JobPayload = builder.simpleObject('TrainingJobPayload', { fields: (t) => ({ trainingJob: t.field({ type: TrainingJobRef }) }) });

builder.mutationField('createTrainingJob', (t) =>
  t.field({
    type: JobPayload,
    description: 'Starts training a LoRA adapter on a READY dataset. Watch trainingJobUpdated and trainingMetrics.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, DatasetNotReadyError, InvalidInputError, BudgetExceededError] },
    args: { input: t.arg({ type: CreateJobInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      trainingJob: await createTrainingJob(ctx.services, viewerId(ctx), {
        ...toRequest(input),
        name: input.name,
        maxCostUsd: input.maxCostUsd,
        idempotencyKey: input.idempotencyKey,
      }),
    }),
  }),
);

builder.mutationField('cancelTrainingJob', (t) =>
  t.field({
    type: JobPayload,
    description: 'Asks for the job to stop: recorded at once (cancelRequestedAt), CANCELLED once the provider confirms. Compute is charged until then.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, JobAlreadyFinishedError] },
    args: { id: t.arg.globalID({ required: true, for: TrainingJobRef }) },
    resolve: async (_root, { id }, ctx) => ({ trainingJob: await cancelTrainingJob(ctx.services, viewerId(ctx), id.id) }),
  }),
);

builder.subscriptionField('trainingJobUpdated', (t) =>
  t.prismaField({
    type: 'TrainingJob',
    description: 'The job now, then again each time its status, stage, progress or cost changes.',
    authScopes: { user: true },
    args: { id: t.arg.globalID({ required: true, for: TrainingJobRef }) },
    subscribe: (_root, { id }, ctx) => ownedUpdates(ctx, 'TrainingJob', 'trainingJobUpdated', id.id),
    resolve: (query, payload: { id: string }, _args, ctx) => db.trainingJob.findFirstOrThrow({ ...query, where: { id: payload.id, ownerId: viewerId(ctx) } }),
  }),
);
