// The rules of a dataset upload: accepted content types, size limit, names.
import { findBaseModel } from '../catalog/base-models.js';
import type { FieldProblem } from '../errors.js';

export const ACCEPTED_CONTENT_TYPES = [
  'application/jsonl',
  'application/x-jsonlines',
  'application/x-ndjson',
  'application/json',
  'application/octet-stream',
  'text/plain',
] as const;

export const UPLOAD_URL_SECONDS = 60 * 60;

/**
 * When a dataset's upload window closes: DATASET_UPLOAD_EXPIRY_SECONDS after it was created. No upload URL is
 * valid past it, and an upload still unconfirmed then is deleted by the sweep.
 */
export function uploadWindowEnd(createdAt: Date, expirySeconds: number): Date {
  return new Date(createdAt.getTime() + expirySeconds * 1000);
}

/** Seconds an upload URL signed now may live: an hour, or less where the upload window closes sooner. */
export function uploadUrlSeconds(createdAt: Date, expirySeconds: number, now = new Date()): number {
  const left = Math.floor((uploadWindowEnd(createdAt, expirySeconds).getTime() - now.getTime()) / 1000);
  return Math.min(UPLOAD_URL_SECONDS, Math.max(0, left));
}

/** The file's name in the bucket: <owner>/<dataset>/dataset.jsonl. */
export const DATASET_OBJECT_NAME = 'dataset.jsonl';

export interface DatasetFileInput {
  name: string;
  description?: string | null;
  baseModelId: string;
  fileName: string;
  fileSize: number;
  contentType: string;
}

/** Every problem with a new dataset's input, at once. */
export function datasetInputProblems(input: DatasetFileInput, maxBytes: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const name = input.name.trim();
  if (name.length < 1 || name.length > 200) problems.push({ path: ['name'], message: 'must be 1 to 200 characters' });
  if ((input.description?.length ?? 0) > 5000) problems.push({ path: ['description'], message: 'must be at most 5000 characters' });
  if (!findBaseModel(input.baseModelId)) problems.push({ path: ['baseModelId'], message: `unknown base model "${input.baseModelId}" (see the baseModels query)` });
  if (input.fileName.trim().length < 1 || input.fileName.length > 255) problems.push({ path: ['fileName'], message: 'must be 1 to 255 characters' });
  if (!Number.isSafeInteger(input.fileSize) || input.fileSize < 1) problems.push({ path: ['fileSize'], message: 'must be a whole number of bytes, at least 1' });
  else if (input.fileSize > maxBytes) problems.push({ path: ['fileSize'], message: `must be at most ${maxBytes} bytes (${Math.floor(maxBytes / 1024 / 1024)} MB)` });
  const type = input.contentType.split(';')[0]!.trim().toLowerCase();
  if (!(ACCEPTED_CONTENT_TYPES as readonly string[]).includes(type)) {
    problems.push({ path: ['contentType'], message: `must be one of ${ACCEPTED_CONTENT_TYPES.join(', ')}` });
  }
  return problems;
}
