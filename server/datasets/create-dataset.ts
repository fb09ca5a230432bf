// Registers a dataset (UPLOADING) and signs a direct upload for its file.
// A retried request with the same idempotency key returns the first dataset.
import { randomUUID } from 'node:crypto';
import { readIdempotencyKey } from '../idempotency.js';
import { DEFAULT_BASE_MODEL_ID } from '../catalog/base-models.js';
import { db } from '../db/client.js';
import type { Dataset, DatasetFormat } from '../db/generated/prisma/client.js';
import { assertNoProblems } from '../errors.js';
import type { Services } from '../services.js';
import { objectPath, type SignedUpload } from '../storage/index.js';
import { DATASET_OBJECT_NAME, datasetInputProblems, UPLOAD_URL_SECONDS } from './rules.js';

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
  /** null when the file was already uploaded (a retried request after confirm). */
  upload: SignedUpload | null;
}

async function signUpload(services: Services, dataset: Dataset): Promise<SignedUpload> {
  return services.storage.createUploadUrl('datasets', dataset.storagePath, {
    contentType: dataset.contentType,
    size: Number(dataset.fileSize),
    expiresInSeconds: UPLOAD_URL_SECONDS,
  });
}

export async function createDataset(services: Services, ownerId: string, input: CreateDatasetInput): Promise<CreatedDataset> {
  const baseModelId = input.baseModelId ?? DEFAULT_BASE_MODEL_ID;
  const contentType = input.contentType.split(';')[0]!.trim().toLowerCase();
  const { key, problems } = readIdempotencyKey(input.idempotencyKey);
  assertNoProblems([...datasetInputProblems({ ...input, baseModelId, contentType }, services.config.storage.maxUploadBytes.datasets), ...problems]);

  if (key) {
    const existing = await db.dataset.findUnique({ where: { ownerId_idempotencyKey: { ownerId, idempotencyKey: key } } });
    if (existing) return { dataset: existing, upload: existing.status === 'UPLOADING' ? await signUpload(services, existing) : null };
  }

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
  // ON CONFLICT DO NOTHING: two concurrent retries with one key make one dataset.
  const [created] = await db.dataset.createManyAndReturn({ data, skipDuplicates: true });
  const dataset = created ?? (await db.dataset.findUniqueOrThrow({ where: { ownerId_idempotencyKey: { ownerId, idempotencyKey: key! } } }));
  return { dataset, upload: dataset.status === 'UPLOADING' ? await signUpload(services, dataset) : null };
}
