// Storage cost: each UTC day, one STORAGE record per owner for the bytes they
// kept that day (dataset files and stored model files), at the configured
// USD per GiB-month, a month being the calendar month the day falls in (so a
// full month of 1 GiB costs exactly the price). One set-based statement in
// exact numeric arithmetic; the dedupe key makes a day accrued twice land once.
import { pool } from '../db/client.js';
import type { Logger } from '../log.js';

export const BYTES_PER_GIB = 1024 ** 3;

// What is billed for a day: a dataset file counts at its declared size from its creation (an upload URL
// reserves that much) until the file is removed: uploads in progress count, and a deleted dataset counts until
// its file is removed after the grace period. A model counts from the moment it is STORED. Each counts for every
// UTC day it existed in (a started day is billed, as a started second is), at price × bytes ÷ GiB ÷ days in that month.

/** "YYYY-MM-DD" of a UTC day. */
export function dayKey(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** Midnight UTC starting the day that contains `at`. */
export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function daysInUtcMonth(day: Date): number {
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
}

export interface StorageAccrual {
  day: string;
  /** Owners given a record by this call (0 when the day was accrued already). */
  recorded: number;
}

/** Accrues the UTC day starting at `day` (midnight UTC) for every owner who stored something that day. */
export async function accrueStorageCost(day: Date, priceUsdPerGbMonth: string): Promise<StorageAccrual> {
  const start = startOfUtcDay(day);
  const key = dayKey(start);
  const { rowCount } = await pool.query(
    `WITH bounds AS (SELECT $1::timestamptz AS day_start, $1::timestamptz + interval '1 day' AS day_end),
     stored AS (
       SELECT d."ownerId", d."fileSize"::numeric AS bytes, 'dataset' AS kind
       FROM "Dataset" d, bounds b
       WHERE d."createdAt" < b.day_end AND (d."fileRemovedAt" IS NULL OR d."fileRemovedAt" >= b.day_start)
       UNION ALL
       SELECT a."ownerId", sum(f.size)::numeric, 'model'
       FROM "ModelArtifact" a JOIN "ArtifactFile" f ON f."artifactId" = a.id, bounds b
       WHERE a.status = 'STORED' AND a."storedAt" < b.day_end
       GROUP BY a.id, a."ownerId"
     ),
     per_owner AS (
       SELECT "ownerId", sum(bytes) AS bytes,
              coalesce(sum(bytes) FILTER (WHERE kind = 'dataset'), 0) AS dataset_bytes,
              coalesce(sum(bytes) FILTER (WHERE kind = 'model'), 0) AS model_bytes,
              count(*) FILTER (WHERE kind = 'dataset') AS datasets,
              count(*) FILTER (WHERE kind = 'model') AS models
       FROM stored GROUP BY "ownerId"
     )
     INSERT INTO "CostRecord" (id, "ownerId", type, amount, details, "periodStart", "periodEnd", "dedupeKey")
     SELECT gen_random_uuid(), p."ownerId", 'STORAGE',
            round(p.bytes * $2::numeric / ($3::numeric * $4::numeric), 6),
            jsonb_build_object('day', $5::text, 'bytes', p.bytes, 'datasetBytes', p.dataset_bytes, 'modelBytes', p.model_bytes,
                               'datasets', p.datasets, 'models', p.models, 'priceUsdPerGbMonth', $2::text, 'daysInMonth', $4::int),
            b.day_start, b.day_end, 'storage:' || p."ownerId" || ':' || $5::text
     FROM per_owner p, bounds b
     ON CONFLICT ("dedupeKey") DO NOTHING`,
    [start, priceUsdPerGbMonth, BYTES_PER_GIB, daysInUtcMonth(start), key],
  );
  return { day: key, recorded: rowCount ?? 0 };
}

const DAY_MS = 24 * 3600 * 1000;
/** Complete days accrued per daily run, newest last: a day missed while no worker ran is caught up. */
export const CATCH_UP_DAYS = 3;

/** Accrues `day` (YYYY-MM-DD), or the last CATCH_UP_DAYS complete UTC days; each owner-day lands once (its dedupe key). */
export async function accrueRecentStorageCost(priceUsdPerGbMonth: string, log: Logger, day?: string): Promise<void> {
  const today = startOfUtcDay(new Date());
  const days = day ? [new Date(`${day}T00:00:00Z`)] : Array.from({ length: CATCH_UP_DAYS }, (_, i) => new Date(today.getTime() - (CATCH_UP_DAYS - i) * DAY_MS));
  for (const d of days) {
    if (d >= today) continue; // only complete days
    const result = await accrueStorageCost(d, priceUsdPerGbMonth);
    log.info('storage cost accrued', { ...result });
  }
}
