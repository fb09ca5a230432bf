// The GPU provider interface the rest of the server uses, its errors, and the shapes it exchanges.
import { z } from 'zod';

export const GPU_TYPES = ['A100-80GB', 'A100-40GB', 'H100-80GB', 'V100-32GB'] as const;
export type GpuType = (typeof GPU_TYPES)[number];
export type Quantization = 'NF4' | 'INT8' | 'NONE';

export interface Hyperparameters {
  epochs: number;
  learningRate: number;
  batchSize: number;
  loraRank: number;
  loraAlpha: number;
  loraDropout: number;
  maxSeqLength: number;
  warmupRatio: number;
  gradientAccumulation: number;
  quantization: Quantization;
}

/** Failures a test can ask of the simulated provider, per job or for the whole service. */
export interface SimulatedFaults {
  /** The job fails while running this step (0 or less: while loading the model). */
  failAtStep?: number;
  /** The error code of that failure; TRAINING_DIVERGED unless failAtStep is 0 or less. */
  failCode?: 'TRAINING_DIVERGED' | 'CUDA_OOM';
  /** Fraction (0..1) of deliveries carrying points that are silently not sent. */
  dropRate?: number;
  /** Fraction (0..1) of deliveries sent twice. */
  duplicateRate?: number;
  /** Deliveries are sent in swapped pairs. */
  reorder?: boolean;
  /** Every delivery leaves this late. */
  delayMs?: number;
  /** The HTTP API answers 503 and callbacks pause for this long from now. */
  downForMs?: number;
  /** After this step the job neither advances nor reports: a stuck job. */
  hangAfterStep?: number;
  /** A submitted job is accepted and starts at once, but the answer leaves this late (service-wide only). */
  submitAnswerDelayMs?: number;
  /** An artifact download starts answering this late (service-wide only): a slow copy. */
  artifactDelayMs?: number;
  /** Artifact downloads wait until faults are set again without this (service-wide only): a test decides when the copy ends. */
  holdArtifacts?: boolean;
}

export type DatasetFormat = 'CHAT_JSONL' | 'BRIGHTRUN_LORA_V4';

export interface SubmitRequest {
  jobId: string;
  callbackUrl: string;
  callbackToken: string;
  datasetTokens: number;
  datasetExamples: number;
  hyperparameters: Hyperparameters;
  /** `path`: a folder on the machine the trainer runs on, loaded instead of the hub's `id`. */
  baseModel: { id: string; parametersB: number; hiddenSize: number; numLayers: number; path?: string };
  gpu: { type: GpuType; count: number };
  /** A signed download URL of the dataset, for trainers that fetch it themselves. */
  datasetUrl?: string;
  datasetFormat?: DatasetFormat;
  /** Where the trainer asks for signed upload URLs of its artifacts (with the callback token). */
  artifactsUrl?: string;
  /** Only the simulated provider honours it. */
  faults?: SimulatedFaults;
}

/**
 * What our trainer (trainer/, see trainer/CONTRACT.md) is given, wherever it runs: RunPod's job input and the
 * local provider's job.json. It carries no secret beyond the per-job callback token and signed URLs.
 */
export interface TrainerInput {
  jobId: string;
  callbackUrl: string;
  callbackToken: string;
  artifactsUrl: string;
  datasetUrl: string;
  datasetFormat: DatasetFormat;
  datasetTokens: number;
  datasetExamples: number;
  hyperparameters: Hyperparameters;
  baseModel: SubmitRequest['baseModel'];
  gpu: SubmitRequest['gpu'];
}

/** The trainer's input for a request; refuses one that lacks what the trainer needs (a server bug, not the user's). */
export function trainerInput(req: SubmitRequest): TrainerInput {
  const { datasetUrl, datasetFormat, artifactsUrl } = req;
  if (!datasetUrl || !datasetFormat || !artifactsUrl) {
    throw new ProviderRejectedError('A trainer needs datasetUrl, datasetFormat and artifactsUrl in the submit request', 400);
  }
  return {
    jobId: req.jobId,
    callbackUrl: req.callbackUrl,
    callbackToken: req.callbackToken,
    artifactsUrl,
    datasetUrl,
    datasetFormat,
    datasetTokens: req.datasetTokens,
    datasetExamples: req.datasetExamples,
    hyperparameters: req.hyperparameters,
    baseModel: req.baseModel,
    gpu: req.gpu,
  };
}

export const PROVIDER_JOB_STATES = ['QUEUED', 'INITIALIZING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type ProviderJobState = (typeof PROVIDER_JOB_STATES)[number];
export const PROVIDER_STAGES = ['PROVISIONING', 'LOADING_MODEL', 'TRAINING', 'EVALUATING', 'SAVING', 'UPLOADING_ARTIFACTS'] as const;
export type ProviderStage = (typeof PROVIDER_STAGES)[number];

export function isTerminalState(state: ProviderJobState): boolean {
  return state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELLED';
}

/** Steps are stored as PostgreSQL integers: a larger one is a provider's mistake, answered 400, not a 500. */
const MAX_STEP = 2_147_483_647;
const stepSchema = z.number().int().nonnegative().max(MAX_STEP);
/** Far past any real run; keeps the progress arithmetic finite. */
const epochSchema = z.number().nonnegative().max(1_000_000);

const metricPointSchema = z.object({
  step: stepSchema.min(1),
  /** Fractional, as trainers log it: 1.5 is half-way through the second epoch. */
  epoch: epochSchema,
  trainingLoss: z.number().nullable(),
  validationLoss: z.number().nullable(),
  learningRate: z.number().nullable(),
  gradNorm: z.number().nullable(),
  throughput: z.number().nullable(),
  tokensTrained: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullable(),
  /** A fraction, 0..1. */
  gpuUtilization: z.number().min(0).max(1).nullable(),
  recordedAt: z.iso.datetime({ offset: true }),
});
export type ProviderMetricPoint = z.infer<typeof metricPointSchema>;

const artifactSchema = z.object({
  name: z.string().min(1),
  url: z.url(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: z.string(),
});
export type ProviderArtifact = z.infer<typeof artifactSchema>;

const errorSchema = z.object({ code: z.string(), message: z.string() }).nullable();

export const providerStatusSchema = z.object({
  externalId: z.string().min(1),
  state: z.enum(PROVIDER_JOB_STATES),
  stage: z.enum(PROVIDER_STAGES).nullable(),
  step: stepSchema,
  totalSteps: stepSchema,
  epoch: epochSchema,
  totalEpochs: z.number().int().nonnegative().max(1_000_000),
  /** Points with step > afterStep, oldest first, at most MAX_STATUS_POINTS. */
  points: z.array(metricPointSchema),
  artifacts: z.array(artifactSchema),
  error: errorSchema,
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ProviderStatus = z.infer<typeof providerStatusSchema>;

/** A status answer carries at most this many points; ask again after the last one for more. */
export const MAX_STATUS_POINTS = 1000;

export const providerEventSchema = z.object({
  deliveryId: z.string().min(1),
  externalId: z.string().min(1),
  jobId: z.string().min(1),
  state: z.enum(PROVIDER_JOB_STATES),
  stage: z.enum(PROVIDER_STAGES).nullable(),
  step: stepSchema,
  totalSteps: stepSchema,
  epoch: epochSchema,
  points: z.array(metricPointSchema),
  artifacts: z.array(artifactSchema),
  error: errorSchema,
  sentAt: z.string(),
});
export type ProviderEvent = z.infer<typeof providerEventSchema>;

export interface GpuProvider {
  /** 'simulated' | 'runpod' | 'local' */
  readonly name: string;
  /** USD per GPU-hour, replacing the GPU catalog's rate (the local provider's configured rate); unset: the catalog. */
  readonly hourlyRateUsd?: string;
  /** False where 4- and 8-bit quantization cannot run (local training without a CUDA GPU). */
  readonly quantization?: boolean;
  /** The most GPUs one job can use (local training: one device per job); unset: the catalog's choices. */
  readonly maxGpusPerJob?: number;
  /** Throws ProviderUnavailableError when down (5xx, no connection), ProviderRejectedError on 4xx. */
  submit(req: SubmitRequest): Promise<{ externalId: string }>;
  status(externalId: string, afterStep: number): Promise<ProviderStatus>;
  cancel(externalId: string): Promise<{ state: ProviderJobState }>;
  /** Validates the shape of a callback body; throws InvalidCallbackError. */
  parseCallback(body: unknown): ProviderEvent;
  openArtifact(artifact: ProviderArtifact): Promise<ReadableStream<Uint8Array> | NodeJS.ReadableStream>;
  /** Stops timers and watchers when the process shuts down (work at the provider goes on). */
  close?(): Promise<void>;
}

export class ProviderError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The provider cannot be reached or answered 5xx: worth retrying later. */
export class ProviderUnavailableError extends ProviderError {}

/** The provider refused the request (4xx): retrying the same request will not help. */
export class ProviderRejectedError extends ProviderError {
  constructor(
    message: string,
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A callback body that does not have the expected shape. */
export class InvalidCallbackError extends ProviderError {}

/** The event without its points checked: they are checked by plainPoint, the bulk of a large callback. */
const providerEventEnvelopeSchema = providerEventSchema.extend({ points: z.array(z.unknown()) });

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isFiniteOrNull = (v: unknown): v is number | null => v === null || isFiniteNumber(v);

/** toISOString's form: fields in range (it never writes hour 24 or second 60). */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `text` is a date toISOString writes: the same answer as comparing it with toISOString of its Date.parse,
 * without making a Date (that was most of a 500-point callback's check).
 */
export function isIsoInstant(text: string): boolean {
  const match = ISO_INSTANT.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/**
 * A point that metricPointSchema accepts, checked by hand (a 500-point callback spent more time in zod than in its
 * SQL), with only its known keys; null for any point it cannot vouch for, which zod then judges and words the error
 * for. It accepts a subset of what zod does: `recordedAt` only in toISOString's form.
 */
function plainPoint(point: unknown): ProviderMetricPoint | null {
  if (typeof point !== 'object' || point === null) return null;
  const { step, epoch, trainingLoss, validationLoss, learningRate, gradNorm, throughput, tokensTrained, gpuUtilization, recordedAt } = point as Record<string, unknown>;
  if (!Number.isSafeInteger(step) || (step as number) < 1 || (step as number) > MAX_STEP) return null;
  if (!isFiniteNumber(epoch) || epoch < 0 || epoch > 1_000_000) return null;
  if (!isFiniteOrNull(trainingLoss) || !isFiniteOrNull(validationLoss) || !isFiniteOrNull(learningRate) || !isFiniteOrNull(gradNorm) || !isFiniteOrNull(throughput)) return null;
  if (tokensTrained !== null && (!Number.isSafeInteger(tokensTrained) || (tokensTrained as number) < 0)) return null;
  if (gpuUtilization !== null && (!isFiniteNumber(gpuUtilization) || gpuUtilization < 0 || gpuUtilization > 1)) return null;
  if (typeof recordedAt !== 'string' || !isIsoInstant(recordedAt)) return null;
  return {
    step: step as number,
    epoch,
    trainingLoss,
    validationLoss,
    learningRate,
    gradNorm,
    throughput,
    tokensTrained: tokensTrained as number | null,
    gpuUtilization,
    recordedAt,
  };
}

/** Checks a callback body against ProviderEvent; shared by the providers that post that shape. */
export function parseProviderEvent(body: unknown): ProviderEvent {
  const envelope = providerEventEnvelopeSchema.safeParse(body);
  if (envelope.success) {
    const points: ProviderMetricPoint[] = [];
    for (const point of envelope.data.points) {
      const plain = plainPoint(point);
      if (!plain) break;
      points.push(plain);
    }
    if (points.length === envelope.data.points.length) return { ...envelope.data, points };
  }
  const result = providerEventSchema.safeParse(body);
  if (!result.success) throw new InvalidCallbackError(`Invalid callback: ${z.prettifyError(result.error)}`);
  return result.data;
}
