// Per-user dataset quotas (settings MAX_DATASETS_PER_USER, MAX_DATASET_STORAGE_PER_USER,
// MAX_CONCURRENT_UPLOADS_PER_USER). Deleted datasets do not count; uploads in progress do, at their declared size.
import type { Prisma } from '../db/generated/prisma/client.js';
import type { Config } from '../config.js';
import type { QuotaUsage } from './errors.js';

type Queryable = Pick<Prisma.TransactionClient, '$queryRaw'>;

/** What the user holds now against each quota. */
export async function datasetQuotaUsage(client: Queryable, ownerId: string, quotas: Config['datasets']['quotas']): Promise<QuotaUsage[]> {
  const [held] = await client.$queryRaw<{ datasets: bigint; bytes: string; uploads: bigint }[]>`
    SELECT count(*) AS datasets, coalesce(sum("fileSize"), 0)::text AS bytes, count(*) FILTER (WHERE status = 'UPLOADING') AS uploads
    FROM "Dataset" WHERE "ownerId" = ${ownerId}::uuid AND "deletedAt" IS NULL`;
  return [
    { quota: 'DATASETS', limit: quotas.datasets, used: Number(held!.datasets) },
    { quota: 'DATASET_BYTES', limit: quotas.bytes, used: Number(held!.bytes) },
    { quota: 'CONCURRENT_UPLOADS', limit: quotas.concurrentUploads, used: Number(held!.uploads) },
  ];
}

/** The quotas a new dataset of `fileSize` bytes (an upload in progress) would take past their limit. */
export function exceededBy(usage: QuotaUsage[], fileSize: number): QuotaUsage[] {
  const adds: Record<QuotaUsage['quota'], number> = { DATASETS: 1, DATASET_BYTES: fileSize, CONCURRENT_UPLOADS: 1 };
  return usage.filter((q) => q.used + adds[q.quota] > q.limit);
}
