// Validates a dataset's stored file again as the other format, for a file uploaded with the wrong one declared:
// the dataset takes the new format and goes back to VALIDATING, with its validation queued in the same transaction.
// Refused while it uploads or validates, and while an active training job uses it.
import { db, Prisma } from '../db/client.js';
import type { Dataset } from '../db/generated/prisma/client.js';
import type { DatasetFormat } from '../db/generated/prisma/enums.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { inTransaction } from '../queue/queue.js';
import { validateDatasetJob } from '../queue/definitions.js';
import type { Services } from '../services/services.js';
import { ACTIVE_JOB_STATUSES } from '../db/training-status.js';
import { DatasetInUseError } from './errors.js';
import { publishDatasetUpdated } from './events.js';
import type { DatasetStatistics, ValidationReport } from './validation/index.js';

const OTHER_FORMAT: Record<DatasetFormat, DatasetFormat> = { CHAT_JSONL: 'BRIGHTRUN_LORA_V4', BRIGHTRUN_LORA_V4: 'CHAT_JSONL' };

/**
 * The other format when the file looks like it: more of its lines were reported WRONG_FORMAT (they have the
 * other format's shape) than were valid examples of the declared one. Null otherwise.
 */
export function suggestedFormat(dataset: Pick<Dataset, 'format' | 'validation' | 'statistics'>): DatasetFormat | null {
  const validation = dataset.validation as Pick<ValidationReport, 'countsByCode'> | null;
  const wrongFormat = validation?.countsByCode.WRONG_FORMAT ?? 0;
  const examples = (dataset.statistics as DatasetStatistics | null)?.examples ?? 0;
  return wrongFormat > 0 && wrongFormat > examples ? OTHER_FORMAT[dataset.format] : null;
}

export async function recheckDataset(services: Services, ownerId: string, id: string, format: DatasetFormat): Promise<Dataset> {
  const rechecked = await db.$transaction(async (tx) => {
    // Lock the row so a job cannot be created for it while we check.
    const rows = await tx.$queryRaw<
      Pick<Dataset, 'status'>[]
    >`SELECT status FROM "Dataset" WHERE id = ${id}::uuid AND "ownerId" = ${ownerId}::uuid AND "deletedAt" IS NULL FOR UPDATE`;
    if (rows.length === 0) throw new NotFoundError('Dataset', id);
    const status = rows[0]!.status;
    if (status !== 'READY' && status !== 'INVALID') {
      throw new InvalidInputError([{ path: ['id'], message: `The dataset is ${status}: it can be checked again once its validation has ended.` }]);
    }
    const active = await tx.trainingJob.findMany({ where: { datasetId: id, status: { in: [...ACTIVE_JOB_STATUSES] } }, select: { id: true } });
    if (active.length > 0) throw new DatasetInUseError(active.map((j) => j.id));
    const dataset = await tx.dataset.update({
      where: { id },
      data: { format, status: 'VALIDATING', validation: Prisma.DbNull, statistics: Prisma.DbNull, errorCount: 0, warningCount: 0, validatedAt: null },
    });
    await services.jobs.enqueue(validateDatasetJob, { datasetId: id }, { tx: inTransaction(tx), singletonKey: id });
    return dataset;
  });
  publishDatasetUpdated(services, rechecked);
  return rechecked;
}
