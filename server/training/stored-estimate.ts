// A job's stored estimate (TrainingJob.estimate), read through the shape estimateTrainingCost returns: the
// submission's token lifetime, the calibration from completed runs and the API's estimate all read it.
import { z } from 'zod';
import type { Prisma } from '../db/generated/prisma/client.js';
import { readJson } from '../db/json.js';
import type { TrainingEstimate } from './estimate.js';

const usd = z.string().regex(/^-?\d+\.\d+$/);
const bound = z.object({ durationSeconds: z.number(), costUsd: usd });

const storedEstimate: z.ZodType<TrainingEstimate> = z.object({
  tokensToTrain: z.number(),
  steps: z.number(),
  throughputTokensPerSecond: z.number(),
  throughputSource: z.enum(['CATALOG', 'CALIBRATED']),
  calibrationRuns: z.number(),
  startupOverheadSeconds: z.number(),
  computeSeconds: z.number(),
  durationSeconds: z.number(),
  hourlyRateUsd: usd,
  costUsd: usd,
  breakdown: z.array(z.object({ item: z.enum(['STARTUP', 'COMPUTE']), seconds: z.number(), costUsd: usd })),
  low: bound,
  high: bound,
  memory: z.object({ requiredGb: z.number(), availableGb: z.number(), fits: z.boolean() }),
});

/** The estimate a job was created with. */
export function readEstimate(json: Prisma.JsonValue | null): TrainingEstimate {
  return readJson(storedEstimate, json, 'training estimate');
}
