// JSON columns at the boundary: a row is read through the schema of what its column holds (a job's hyperparameters,
// a dataset's statistics), so a row that does not hold it fails here, by name, not later as a wrong number in a
// price or a GPU submission. Values are written through toJson, the one place a typed value becomes Prisma JSON.
import type { z } from 'zod';
import type { Prisma } from './generated/prisma/client.js';

export class StoredJsonError extends Error {
  override name = 'StoredJsonError';
}

export function readJson<T>(schema: z.ZodType<T>, value: Prisma.JsonValue | null, column: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoredJsonError(`The stored ${column} is not what the code expects: ${parsed.error.message}`);
  return parsed.data;
}

/** A value for a JSON column (an object of plain data: numbers, strings, booleans, arrays, objects). */
export function toJson<T extends object>(value: T): Prisma.InputJsonValue {
  return value as unknown as Prisma.InputJsonValue;
}
