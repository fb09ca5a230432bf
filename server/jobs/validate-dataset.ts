// Validates an uploaded dataset in the background: streams the file from
// storage through the validator, stores the report, ends READY or INVALID and
// tells the owner. Idempotent: a dataset no longer VALIDATING is left alone. A file
// that cannot be read to the end after the retries ends INVALID with the reason.
import { z } from 'zod';
import { defaultBaseModel, findBaseModel } from '../catalog/base-models.js';
import { db, Prisma } from '../db/client.js';
import { publishDatasetUpdated } from '../datasets/events.js';
import { unfinishedReport, validateDatasetStream, type ValidationReport } from '../datasets/validation/index.js';
import { createNotification, publishNotification } from '../notifications/notify.js';
import { defineJob } from './define.js';

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
      report = await validateDatasetStream(await services.storage.openRead('datasets', dataset.storagePath), { format: dataset.format, baseModel });
    } catch (err) {
      // Retried (storage may be down); after the last try the dataset ends INVALID, never VALIDATING forever.
      if (retryCount < RETRY_LIMIT) throw err;
      log.error('dataset validation could not finish', { datasetId, err });
      report = unfinishedReport((err as Error).message);
    }
    const status = report.valid ? 'READY' : 'INVALID';
    const { statistics, ...validation } = report;

    const notificationId = await db.$transaction(async (tx) => {
      const { count } = await tx.dataset.updateMany({
        where: { id: datasetId, status: 'VALIDATING' },
        data: {
          status,
          validation: validation as unknown as Prisma.InputJsonValue,
          statistics: statistics as unknown as Prisma.InputJsonValue,
          errorCount: report.errorCount,
          warningCount: report.warningCount,
          validatedAt: new Date(),
        },
      });
      if (count === 0) return null;
      const summary = report.valid
        ? `${statistics.examples} examples, ${statistics.totalTokens} tokens${report.warningCount ? `, ${report.warningCount} warning(s)` : ''}.`
        : `${report.errorCount} error(s) found. The dataset page lists each one with its line.`;
      return createNotification(
        {
          ownerId: dataset.ownerId,
          type: report.valid ? 'DATASET_VALIDATED' : 'DATASET_INVALID',
          title: report.valid ? `Dataset "${dataset.name}" is ready` : `Dataset "${dataset.name}" has errors`,
          message: summary,
          priority: report.valid ? 'NORMAL' : 'HIGH',
          link: `/datasets/${datasetId}`,
          metadata: { datasetId, errorCount: report.errorCount, warningCount: report.warningCount },
          dedupeKey: `dataset:${datasetId}:validated`,
        },
        tx,
      );
    });
    log.info('dataset validated', { datasetId, status, errors: report.errorCount, warnings: report.warningCount, ms: Date.now() - started });
    publishDatasetUpdated(services, datasetId);
    publishNotification(services, dataset.ownerId, notificationId);
  },
});
