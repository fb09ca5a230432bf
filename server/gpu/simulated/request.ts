// Validation of what the simulated provider accepts: a submit request and fault settings.
import { z } from 'zod';
import { GPU_TYPES, type SimulatedFaults, type SubmitRequest } from '../provider.js';

const rate = z.number().min(0).max(1);

/** Strict, so a misspelt knob in a test fails loudly instead of doing nothing. */
export const faultsSchema: z.ZodType<SimulatedFaults> = z.strictObject({
  failAtStep: z.number().int().optional(),
  failCode: z.enum(['TRAINING_DIVERGED', 'CUDA_OOM']).optional(),
  dropRate: rate.optional(),
  duplicateRate: rate.optional(),
  reorder: z.boolean().optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  downForMs: z.number().int().min(0).max(3_600_000).optional(),
  hangAfterStep: z.number().int().min(0).optional(),
  submitAnswerDelayMs: z.number().int().min(0).max(600_000).optional(),
  artifactDelayMs: z.number().int().min(0).max(600_000).optional(),
  holdArtifacts: z.boolean().optional(),
});

const positiveInt = z.number().int().positive();

/** Physical sanity only (the product's bounds are checked upstream), capped so the adapter file stays sane. */
export const submitRequestSchema: z.ZodType<SubmitRequest> = z.object({
  jobId: z.string().min(1).max(200),
  callbackUrl: z.url({ protocol: /^https?$/ }),
  callbackToken: z.string().min(1).max(4096),
  datasetTokens: positiveInt,
  datasetExamples: positiveInt,
  hyperparameters: z.object({
    epochs: positiveInt.max(100),
    learningRate: z.number().positive().max(1),
    batchSize: positiveInt.max(1024),
    loraRank: positiveInt.max(1024),
    loraAlpha: z.number().positive(),
    loraDropout: z.number().min(0).max(1),
    maxSeqLength: positiveInt,
    warmupRatio: z.number().min(0).max(1),
    gradientAccumulation: positiveInt.max(1024),
    quantization: z.enum(['NF4', 'INT8', 'NONE']),
  }),
  baseModel: z.object({
    id: z.string().min(1),
    parametersB: z.number().positive(),
    hiddenSize: positiveInt.max(65_536),
    numLayers: positiveInt.max(512),
  }),
  gpu: z.object({ type: z.enum(GPU_TYPES), count: positiveInt.max(64) }),
  faults: faultsSchema.optional(),
});
