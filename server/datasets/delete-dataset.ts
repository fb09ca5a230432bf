// Soft-deletes a dataset, refused while an active training job uses it.
import { db } from '../db/client.js';
import type { Dataset } from '../db/generated/prisma/client.js';
import { NotFoundError } from '../errors.js';
import { ACTIVE_JOB_STATUSES } from '../db/training-status.js';
import type { Services } from '../services/services.js';
import { DatasetInUseError } from './errors.js';
import { publishDatasetUpdated } from './events.js';

export async function deleteDataset(services: Services, ownerId: string, id: string): Promise<Dataset> {
  const deleted = await db.$transaction(async (tx) => {
    // Lock the row so a job cannot be created for it while we check.
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Dataset" WHERE id = ${id}::uuid AND "ownerId" = ${ownerId}::uuid AND "deletedAt" IS NULL FOR UPDATE`;
    if (rows.length === 0) throw new NotFoundError('Dataset', id);
    const active = await tx.trainingJob.findMany({ where: { datasetId: id, status: { in: [...ACTIVE_JOB_STATUSES] } }, select: { id: true } });
    if (active.length > 0) throw new DatasetInUseError(active.map((j) => j.id));
    return tx.dataset.update({ where: { id }, data: { deletedAt: new Date() } });
  });
  publishDatasetUpdated(services, deleted);
  return deleted;
}
