// A validation that cannot finish (its file unreadable however often it is retried) ends the dataset INVALID
// with the reason and tells the owner: never VALIDATING forever.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import { validateDatasetWorker } from '../../../server/workers/validate-dataset.js';
import { createLogger } from '../../../server/log.js';
import { objectPath } from '../../../server/storage/index.js';
import { useTestApp } from '../../helpers/app.js';
import { useUser } from '../../helpers/factories.js';

const t = useTestApp();
const alice = useUser(t);

describe('a validation that cannot finish', () => {
  it('is retried, then ends the dataset INVALID with VALIDATION_FAILED and a notification', async () => {
    const id = randomUUID();
    // VALIDATING, but its file is not in storage: every read fails.
    await db.dataset.create({
      data: {
        id,
        ownerId: alice.id,
        name: 'lost file',
        baseModelId: 'mistralai/Mistral-7B-v0.1',
        fileName: 'train.jsonl',
        fileSize: 100n,
        contentType: 'application/jsonl',
        storagePath: objectPath(alice.id, id, 'dataset.jsonl'),
        status: 'VALIDATING',
      },
    });
    const run = (retryCount: number) =>
      validateDatasetWorker.handle(
        { datasetId: id },
        { services: t.app.services, log: createLogger('silent'), jobId: randomUUID(), retryCount, signal: new AbortController().signal },
      );

    await expect(run(0)).rejects.toThrow();
    expect((await db.dataset.findUniqueOrThrow({ where: { id } })).status).toBe('VALIDATING');

    await run(3); // the last try
    const dataset = await db.dataset.findUniqueOrThrow({ where: { id } });
    expect(dataset.status).toBe('INVALID');
    expect(dataset.errorCount).toBe(1);
    expect((dataset.validation as { issues: unknown[] }).issues).toEqual([
      expect.objectContaining({ line: 0, code: 'VALIDATION_FAILED', severity: 'ERROR', message: expect.stringMatching(/could not be validated/) }),
    ]);
    const told = await db.notification.findMany({ where: { ownerId: alice.id, type: 'DATASET_INVALID' } });
    expect(told).toHaveLength(1);
  });
});
