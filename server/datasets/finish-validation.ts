// Ends a dataset's validation: stores the report, moves it VALIDATING → READY or INVALID and tells the owner,
// once (a dataset no longer VALIDATING is left alone). The validation job and the stuck-work sweep both end here.
import { db } from '../db/client.js';
import type { Dataset } from '../db/generated/prisma/client.js';
import { formatCount } from '../notifications/format.js';
import { createNotification, publishNotification } from '../notifications/notify.js';
import { recordEvent } from '../outbound-webhooks/record-event.js';
import { datasetEventData } from '../outbound-webhooks/payloads.js';
import type { Services } from '../services/services.js';
import type { ValidationReport } from './validation/index.js';
import { publishDatasetUpdated } from './events.js';
import { toJson } from '../db/json.js';

/** Returns whether this call ended the validation. */
export async function finishValidation(services: Pick<Services, 'pubsub' | 'jobs'>, dataset: Pick<Dataset, 'id' | 'ownerId' | 'name'>, report: ValidationReport): Promise<boolean> {
  const { statistics, ...validation } = report;
  const validatedAt = new Date();
  const notificationId = await db.$transaction(async (tx) => {
    const { count } = await tx.dataset.updateMany({
      where: { id: dataset.id, status: 'VALIDATING' },
      data: {
        status: report.valid ? 'READY' : 'INVALID',
        validation: toJson(validation),
        statistics: toJson(statistics),
        errorCount: report.errorCount,
        warningCount: report.warningCount,
        validatedAt,
      },
    });
    if (count === 0) return undefined;
    await recordEvent(tx, services, dataset.ownerId, report.valid ? 'dataset.ready' : 'dataset.invalid', async () =>
      datasetEventData(await tx.dataset.findUniqueOrThrow({ where: { id: dataset.id } })),
    );
    const summary = report.valid
      ? `${formatCount(statistics.examples, 'example')}, ${formatCount(statistics.totalTokens, 'token')}${report.warningCount ? `, ${formatCount(report.warningCount, 'warning')}` : ''}.`
      : `${formatCount(report.errorCount, 'error')} found. The dataset page lists each one with its line.`;
    return createNotification(
      {
        ownerId: dataset.ownerId,
        type: report.valid ? 'DATASET_VALIDATED' : 'DATASET_INVALID',
        title: report.valid ? `Dataset "${dataset.name}" is ready` : `Dataset "${dataset.name}" has errors`,
        message: summary,
        priority: report.valid ? 'NORMAL' : 'HIGH',
        link: `/datasets/${dataset.id}`,
        metadata: { datasetId: dataset.id, errorCount: report.errorCount, warningCount: report.warningCount },
        // Per run: a dataset checked again (recheckDataset) tells its owner the new outcome too. A run ends once (the
        // VALIDATING guard above), so its key is never made twice.
        dedupeKey: `dataset:${dataset.id}:validated:${validatedAt.toISOString()}`,
      },
      tx,
    );
  });
  if (notificationId === undefined) return false;
  publishDatasetUpdated(services, dataset);
  publishNotification(services, dataset.ownerId, notificationId);
  return true;
}
