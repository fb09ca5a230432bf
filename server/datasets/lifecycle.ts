// A dataset's file is stored from createDataset until the sweep removes it. An upload not confirmed before its
// window closes is deleted; a deleted dataset's file is removed once DATASET_DELETE_GRACE_SECONDS have passed
// (a validation or download still reading it can finish). Storage is billed until then (costs/storage-cost.ts).
import { db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { Services } from '../services/services.js';
import { publishDatasetUpdated } from './events.js';
import { uploadWindowEnd } from './rules.js';

/** Datasets whose file is removed per sweep; the next sweep takes the rest. */
export const REMOVALS_PER_SWEEP = 500;

/** Deletes the datasets whose upload was never confirmed in time; returns their ids. */
export async function expireUploads(services: Pick<Services, 'pubsub' | 'config'>, now = new Date()): Promise<string[]> {
  const closedBefore = new Date(now.getTime() - services.config.datasets.uploadExpirySeconds * 1000);
  const expired = await db.$queryRaw<{ id: string; ownerId: string }[]>`
    UPDATE "Dataset" SET "deletedAt" = ${now}, "updatedAt" = ${now}
    WHERE status = 'UPLOADING' AND "deletedAt" IS NULL AND "createdAt" < ${closedBefore}
    RETURNING id, "ownerId"`;
  for (const dataset of expired) publishDatasetUpdated(services, dataset);
  return expired.map((d) => d.id);
}

/**
 * Removes the files of datasets deleted longer ago than the grace period. A dataset deleted while UPLOADING keeps
 * being swept until its upload window closes, since its upload URL could still store a file until then.
 */
export async function removeDeletedFiles(services: Pick<Services, 'storage' | 'config'>, now = new Date()): Promise<number> {
  const { deleteGraceSeconds, uploadExpirySeconds } = services.config.datasets;
  const deletedBefore = new Date(now.getTime() - deleteGraceSeconds * 1000);
  const due = await db.dataset.findMany({
    where: { deletedAt: { not: null, lte: deletedBefore }, fileRemovedAt: null },
    select: { id: true, storagePath: true, status: true, createdAt: true },
    orderBy: { deletedAt: 'asc' },
    take: REMOVALS_PER_SWEEP,
  });
  let removed = 0;
  for (const dataset of due) {
    await services.storage.delete('datasets', dataset.storagePath);
    const uploadPossible = dataset.status === 'UPLOADING' && uploadWindowEnd(dataset.createdAt, uploadExpirySeconds) > now;
    if (uploadPossible) continue;
    await db.dataset.update({ where: { id: dataset.id }, data: { fileRemovedAt: now } });
    removed++;
  }
  return removed;
}

/** The periodic sweep: unconfirmed uploads expire, deleted datasets' files are removed after the grace period. */
export async function sweepDatasets(services: Pick<Services, 'pubsub' | 'storage' | 'config'>, log: Logger): Promise<void> {
  const expired = await expireUploads(services);
  const removed = await removeDeletedFiles(services);
  if (expired.length > 0 || removed > 0) log.info('datasets swept', { expiredUploads: expired.length, filesRemoved: removed });
}
