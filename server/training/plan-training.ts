// Turns a training request into a checked plan: the caller's READY dataset,
// the base model, hyperparameters within bounds, a GPU that holds the model,
// and the cost estimate (calibrated from the caller's completed runs). Both
// estimateTrainingCost and createTrainingJob go through here.
import { baseModels, findBaseModel, type BaseModel } from '../catalog/base-models.js';
import { db } from '../db/client.js';
import type { Dataset } from '../db/generated/prisma/client.js';
import type { DatasetStatistics } from '../datasets/validation/index.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { GpuProvider, GpuType, Hyperparameters } from '../gpu/provider.js';
import { DEFAULT_PRESET_ID } from '../catalog/training.js';
import { calibratedThroughput, CALIBRATION_MAX_RUNS, estimateTrainingCost, type TrainingEstimate } from './estimate.js';
import { readEstimate } from './stored-estimate.js';
import { readHyperparameters, resolveGpu, resolveHyperparameters, type HyperparameterOverrides } from './hyperparameters.js';
import { readStatistics } from '../datasets/stored-statistics.js';

export class DatasetNotReadyError extends Error {
  override name = 'DatasetNotReadyError';
  constructor(
    readonly datasetId: string,
    readonly status: string,
  ) {
    super(`The dataset is ${status}; only a READY dataset can be trained on.`);
  }
}

export interface TrainingRequest {
  datasetId: string;
  presetId?: string | null;
  baseModelId?: string | null;
  hyperparameters?: HyperparameterOverrides | null;
  gpu: { type: string; count: number };
}

export interface TrainingPlan {
  dataset: Dataset;
  statistics: DatasetStatistics;
  presetId: string;
  baseModel: BaseModel;
  hyperparameters: Hyperparameters;
  gpu: { type: GpuType; count: number };
  estimate: TrainingEstimate;
}

/** The caller's last completed runs on this GPU type and model, as the estimate's calibration. */
async function calibrationFor(ownerId: string, gpuType: string, baseModelId: string) {
  const runs = await db.trainingJob.findMany({
    where: { ownerId, status: 'COMPLETED', gpuType, baseModelId, measuredTokensPerSecond: { gt: 0 } },
    orderBy: { completedAt: 'desc' },
    take: CALIBRATION_MAX_RUNS,
    select: { estimate: true, gpuCount: true, hyperparameters: true, measuredTokensPerSecond: true },
  });
  return calibratedThroughput(
    runs.map((run) => {
      const tokensTrained = readEstimate(run.estimate).tokensToTrain;
      return {
        tokensTrained,
        computeSeconds: tokensTrained / run.measuredTokensPerSecond!,
        gpuCount: run.gpuCount,
        quantization: readHyperparameters(run.hyperparameters).quantization,
      };
    }),
  );
}

/** What the provider that will run the job adds to the plan: its own price, and whether it can quantise. */
export type ProviderTerms = Pick<GpuProvider, 'hourlyRateUsd' | 'quantization' | 'maxGpusPerJob'>;

export async function planTraining(ownerId: string, request: TrainingRequest, provider: ProviderTerms): Promise<TrainingPlan> {
  const dataset = await db.dataset.findFirst({ where: { id: request.datasetId, ownerId, deletedAt: null } });
  if (!dataset) throw new NotFoundError('Dataset', request.datasetId);
  if (dataset.status !== 'READY' || !dataset.statistics) throw new DatasetNotReadyError(request.datasetId, dataset.status);

  const baseModelId = request.baseModelId ?? dataset.baseModelId;
  const baseModel = findBaseModel(baseModelId) ?? null;
  const presetId = request.presetId ?? DEFAULT_PRESET_ID;
  // Every problem at once: the model, the settings and the GPU are checked as far as the others allow. Without a
  // known model the settings are checked against the catalog's longest context, so only the model is blamed.
  const checkedHyperparameters = resolveHyperparameters(presetId, request.hyperparameters, baseModel ?? roomiestModel());
  const checkedGpu = resolveGpu(request.gpu, baseModel, checkedHyperparameters.ok && baseModel ? checkedHyperparameters.value : null);
  const unquantizable =
    provider.quantization === false && checkedHyperparameters.ok && checkedHyperparameters.value.quantization !== 'NONE'
      ? [{ path: ['hyperparameters', 'quantization'], message: `${checkedHyperparameters.value.quantization} needs a CUDA GPU, and this server trains on the CPU: choose NONE` }]
      : [];
  const tooManyGpus =
    provider.maxGpusPerJob !== undefined && request.gpu.count > provider.maxGpusPerJob
      ? [{ path: ['gpu', 'count'], message: `this server trains each job on at most ${provider.maxGpusPerJob} GPU: choose ${provider.maxGpusPerJob}` }]
      : [];
  const providerProblems = [...unquantizable, ...tooManyGpus];
  const problems = [
    ...(baseModel ? [] : [{ path: ['baseModelId'], message: `unknown base model "${baseModelId}" (see the baseModels query)` }]),
    ...(checkedHyperparameters.ok ? [] : checkedHyperparameters.problems),
    ...(checkedGpu.ok ? [] : checkedGpu.problems),
    ...providerProblems,
  ];
  if (!baseModel || !checkedHyperparameters.ok || !checkedGpu.ok || providerProblems.length > 0) throw new InvalidInputError(problems);
  const hyperparameters = checkedHyperparameters.value;
  const gpu = checkedGpu.value;

  const statistics = readStatistics(dataset.statistics);
  const estimate = estimateTrainingCost({
    datasetTokens: statistics.totalTokens,
    datasetExamples: statistics.examples,
    hyperparameters,
    baseModel,
    gpu,
    calibration: await calibrationFor(ownerId, gpu.type, baseModel.id),
    hourlyRateUsd: provider.hourlyRateUsd ?? null,
  });
  return { dataset, statistics, presetId, baseModel, hyperparameters, gpu, estimate };
}

/** The catalog model with the longest context: settings checked against it fail only for their own reasons. */
function roomiestModel(): BaseModel {
  return baseModels().reduce((a, b) => (b.contextLength > a.contextLength ? b : a));
}
