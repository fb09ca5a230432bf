// Validates an uploaded dataset in the background: streams the file from
// storage through the validator, stores the report, ends READY or INVALID and
// tells the owner. Idempotent: a dataset no longer VALIDATING is left alone. A file
// that cannot be read to the end after the retries ends INVALID with the reason.
import { z } from 'zod';
import { defaultBaseModel, findBaseModel } from '../catalog/base-models.js';
import { db } from '../db/client.js';
import { finishValidation } from '../datasets/finish-validation.js';
import { unfinishedReport, type ValidationReport } from '../datasets/validation/index.js';
import { validateInChild } from '../datasets/validate-in-child.js';
import { defineJob } from '../queue/define.js';

const RETRY_LIMIT = 3;

export const validateDatasetJob = defineJob({
  name: 'dataset-validate',
  payload: z.object({ datasetId: z.uuid() }),
  // The heartbeat hands a dead worker's validation to another within seconds; the expiry bounds a live one.
  queue: { retryLimit: RETRY_LIMIT, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 * 60, heartbeatSeconds: 10 },
  concurrency: 1,
  async handle({ datasetId }, { services, log, retryCount }) {
    const dataset = await db.dataset.findUnique({ where: { id: datasetId } });
    if (!dataset || dataset.status !== 'VALIDATING' || dataset.deletedAt) {
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
      if (retryCount < RETRY_LIMIT) throw err;
      log.error('dataset validation could not finish', { datasetId, err });
      report = unfinishedReport((err as Error).message);
    }
    await finishValidation(services, dataset, report);
    log.info('dataset validated', { datasetId, status: report.valid ? 'READY' : 'INVALID', errors: report.errorCount, warnings: report.warningCount, ms: Date.now() - started });
  },
});
