// Validating an uploaded dataset, as the dataset-validate job runs it: streams the file from storage through the
// validator, stores the report, ends READY or INVALID and tells the owner. Idempotent: a dataset no longer
// VALIDATING is left alone. A file that cannot be read to the end after the retries ends INVALID with the reason,
// and a validation that stopped moving ends INVALID too (endStuckValidations).
import { defaultBaseModel, findBaseModel } from '../catalog/base-models.js';
import { db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { JobAttempt } from '../queue/define.js';
import { VALIDATE_RETRY_LIMIT } from '../queue/definitions.js';
import type { Services } from '../services/services.js';
import { finishValidation } from './finish-validation.js';
import { validateInChild } from './validate-in-child.js';
import { unfinishedReport, type ValidationReport } from './validation/index.js';

/** Longer than four validation attempts (the first and three retries) of an hour each. */
export const VALIDATION_GIVE_UP_SECONDS = 5 * 3600;
const BATCH = 100;

/** Throws to be retried (storage may be down, with retries left); anything else ends here. */
export async function validateUploadedDataset(services: Services, datasetId: string, { retryCount, log }: JobAttempt): Promise<void> {
  const dataset = await db.dataset.findUnique({ where: { id: datasetId } });
  if (dataset?.status !== 'VALIDATING' || dataset.deletedAt) {
    log.info('nothing to validate', { datasetId, status: dataset?.status });
    return;
  }
  const baseModel = findBaseModel(dataset.baseModelId) ?? defaultBaseModel();
  const started = Date.now();
  let report: ValidationReport;
  try {
    // In a child process, so the tokenizer it loads leaves with it.
    report = await validateInChild(await services.storage.openRead('datasets', dataset.storagePath), { format: dataset.format, baseModel });
  } catch (err) {
    // Retried (storage may be down); after the last try the dataset ends INVALID, never VALIDATING forever.
    if (retryCount < VALIDATE_RETRY_LIMIT) throw err;
    log.error('dataset validation could not finish', { datasetId, err });
    report = unfinishedReport((err as Error).message);
  }
  await finishValidation(services, dataset, report);
  log.info('dataset validated', { datasetId, status: report.valid ? 'READY' : 'INVALID', errors: report.errorCount, warnings: report.warningCount, ms: Date.now() - started });
}

/** A dataset still VALIDATING after every validation attempt could have expired ends INVALID. */
export async function endStuckValidations(services: Services, log: Logger, now = Date.now()): Promise<void> {
  const datasets = await db.dataset.findMany({
    where: { status: 'VALIDATING', deletedAt: null, updatedAt: { lt: new Date(now - VALIDATION_GIVE_UP_SECONDS * 1000) } },
    select: { id: true, ownerId: true, name: true },
    take: BATCH,
  });
  for (const dataset of datasets) {
    const hours = VALIDATION_GIVE_UP_SECONDS / 3600;
    if (await finishValidation(services, dataset, unfinishedReport(`validation did not finish within ${hours} hours`))) {
      log.warn('stuck validation ended', { datasetId: dataset.id });
    }
  }
}
