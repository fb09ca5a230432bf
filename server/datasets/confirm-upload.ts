// Confirms a dataset's upload: the object must exist with the declared size;
// then the dataset becomes VALIDATING and its validation job is queued in the
// same transaction. Confirming twice is harmless; confirming a dataset still
// VALIDATING queues its validation again (a lost one restarts, a queued one is not doubled).
import { db } from '../db/client.js';
import type { Dataset } from '../db/generated/prisma/client.js';
import { NotFoundError } from '../errors.js';
import { inTransaction } from '../queue/queue.js';
import { validateDatasetJob } from '../queue/definitions.js';
import type { Services } from '../services/services.js';
import { UploadMissingError, UploadSizeMismatchError } from './errors.js';
import { publishDatasetUpdated } from './events.js';

export async function confirmDatasetUpload(services: Services, ownerId: string, id: string): Promise<Dataset> {
  const dataset = await db.dataset.findFirst({ where: { id, ownerId, deletedAt: null } });
  if (!dataset) throw new NotFoundError('Dataset', id);
  if (dataset.status === 'VALIDATING') {
    // Confirming again restarts a validation that stopped moving; one already queued is not doubled.
    await services.jobs.enqueue(validateDatasetJob, { datasetId: id }, { singletonKey: id });
    return dataset;
  }
  if (dataset.status !== 'UPLOADING') return dataset;

  const object = await services.storage.stat('datasets', dataset.storagePath);
  if (!object) throw new UploadMissingError(id);
  if (object.size !== Number(dataset.fileSize)) throw new UploadSizeMismatchError(Number(dataset.fileSize), object.size);

  const confirmed = await db.$transaction(async (tx) => {
    const { count } = await tx.dataset.updateMany({ where: { id, status: 'UPLOADING' }, data: { status: 'VALIDATING' } });
    if (count === 1) await services.jobs.enqueue(validateDatasetJob, { datasetId: id }, { tx: inTransaction(tx), singletonKey: id });
    return count === 1;
  });
  if (confirmed) publishDatasetUpdated(services, dataset);
  return db.dataset.findUniqueOrThrow({ where: { id } });
}
