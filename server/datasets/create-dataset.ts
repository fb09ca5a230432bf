// Registers a dataset (UPLOADING) and signs a direct upload for its file.
// A retried request with the same idempotency key returns the first dataset;
// a new one past the user's quotas is refused (QuotaExceededError).
import { randomUUID } from 'node:crypto';
import { readIdempotencyKey } from '../idempotency.js';
import { DEFAULT_BASE_MODEL_ID } from '../catalog/base-models.js';
import { db } from '../db/client.js';
import type { Dataset, DatasetFormat } from '../db/generated/prisma/client.js';
import { assertNoProblems } from '../errors.js';
import type { Services } from '../services/services.js';
import { objectPath, type SignedUpload } from '../storage/index.js';
import { QuotaExceededError } from './errors.js';
import { publishDatasetUpdated } from './events.js';
import { datasetQuotaUsage, exceededBy } from './quotas.js';
import { DATASET_OBJECT_NAME, datasetInputProblems, uploadUrlSeconds } from './rules.js';

export interface CreateDatasetInput {
  name: string;
  description?: string | null;
  format?: DatasetFormat | null;
  baseModelId?: string | null;
  fileName: string;
  fileSize: number;
  contentType: string;
  idempotencyKey?: string | null;
}

export interface CreatedDataset {
  dataset: Dataset;
  /** null when the file was already uploaded (a retried request after confirm), or can no longer be. */
  upload: SignedUpload | null;
}

async function signUpload(services: Services, dataset: Dataset): Promise<SignedUpload | null> {
  if (dataset.status !== 'UPLOADING' || dataset.deletedAt) return null;
  const seconds = uploadUrlSeconds(dataset.createdAt, services.config.datasets.uploadExpirySeconds);
  if (seconds === 0) return null; // the upload window has closed; the sweep deletes the dataset
  return services.storage.createUploadUrl('datasets', dataset.storagePath, {
    contentType: dataset.contentType,
    size: Number(dataset.fileSize),
    expiresInSeconds: seconds,
  });
}

export async function createDataset(services: Services, ownerId: string, input: CreateDatasetInput): Promise<CreatedDataset> {
  const baseModelId = input.baseModelId ?? DEFAULT_BASE_MODEL_ID;
  const contentType = input.contentType.split(';')[0]!.trim().toLowerCase();
  const { key, problems } = readIdempotencyKey(input.idempotencyKey);
  assertNoProblems([...datasetInputProblems({ ...input, baseModelId, contentType }, services.config.storage.maxUploadBytes.datasets), ...problems]);

  const id = randomUUID();
  const data = {
    id,
    ownerId,
    name: input.name.trim(),
    description: input.description?.trim() || null,
    format: input.format ?? 'CHAT_JSONL',
    baseModelId,
    fileName: input.fileName.trim(),
    fileSize: BigInt(input.fileSize),
    contentType,
    // The stored name is ours: a user's file name never reaches a path.
    storagePath: objectPath(ownerId, id, DATASET_OBJECT_NAME),
    idempotencyKey: key,
  } as const;
  const dataset = await db.$transaction(async (tx) => {
    // One creation per user at a time, so concurrent requests cannot all pass the quota check.
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE id = ${ownerId}::uuid FOR UPDATE`;
    if (key) {
      const existing = await tx.dataset.findUnique({ where: { ownerId_idempotencyKey: { ownerId, idempotencyKey: key } } });
      if (existing) return existing;
    }
    const exceeded = exceededBy(await datasetQuotaUsage(tx, ownerId, services.config.datasets.quotas), input.fileSize);
    if (exceeded.length > 0) throw new QuotaExceededError(exceeded);
    return tx.dataset.create({ data });
  });
  publishDatasetUpdated(services, dataset);
  return { dataset, upload: await signUpload(services, dataset) };
}
