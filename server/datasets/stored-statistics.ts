// A dataset's stored statistics (Dataset.statistics), read through the shape the validator writes.
import { z } from 'zod';
import type { Prisma } from '../db/generated/prisma/client.js';
import { readJson } from '../db/json.js';
import type { DatasetStatistics } from './validation/types.js';

const count = z.number();

const storedStatistics: z.ZodType<DatasetStatistics> = z.object({
  examples: count,
  trainingPairs: count,
  totalTokens: count,
  tokensPerExample: z.object({ min: count, mean: count, p95: count, max: count }),
  examplesOverContext: count,
  roleCounts: z.object({ system: count, user: count, assistant: count }),
  duplicates: count,
  emptyLines: count,
  histogram: z.array(z.object({ bucketStart: count, count })),
});

/** The statistics of a validated dataset; a dataset not validated yet has none (null) and fails here. */
export function readStatistics(json: Prisma.JsonValue | null): DatasetStatistics {
  return readJson(storedStatistics, json, 'dataset statistics');
}
