// Signed upload URLs for a trainer's artifacts. A trainer (local or on RunPod) cannot reach our storage
// otherwise: it asks with its job's callback token, while the job is active, and PUTs each file to
// <owner>/<job id>/<file> in the models bucket. When the job completes, storeModelArtifact copies the
// files from there into the model's folder, checking each one's size and sha256.
import { z } from 'zod';
import { db } from '../db/client.js';
import type { Services } from '../services/services.js';
import { objectFolder, objectPath, safeFileName, StorageError, type SignedUpload } from '../storage/index.js';
import { isTerminal } from '../db/training-status.js';

/** Signed upload URLs live as long as a dataset upload's: an hour. */
export const UPLOAD_URL_SECONDS = 3600;
const MAX_FILES = 64;

const uploadRequestSchema = z.object({
  jobId: z.string().min(1),
  files: z
    .array(
      z.object({
        name: z.string().min(1).max(200),
        size: z.number().int().nonnegative(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        contentType: z.string().min(1).max(200),
      }),
    )
    .min(1)
    .max(MAX_FILES),
});
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

export type TrainerUploadsOutcome =
  | { kind: 'signed'; files: (SignedUpload & { name: string })[] }
  | { kind: 'not-found' }
  | { kind: 'finished'; status: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'too-large'; message: string };

/** Where a job's uploaded file waits for the job to complete: the job's folder, <owner>/<job id>/. */
export function stagedPath(job: { ownerId: string; id: string }, name: string): string {
  return objectPath(job.ownerId, job.id, name);
}

/** Checks an upload request's shape; the message names every problem. */
export function parseUploadRequest(body: unknown): UploadRequest | string {
  const result = uploadRequestSchema.safeParse(body);
  return result.success ? result.data : z.prettifyError(result.error);
}

/**
 * Signs one create-only PUT per file for an active job. A file already staged under that name (a retried
 * upload) is removed first, so the new bytes can land; nothing is copied before the job completes.
 */
export async function createTrainerUploads(services: Services, jobId: string, request: UploadRequest): Promise<TrainerUploadsOutcome> {
  const job = await db.trainingJob.findUnique({ where: { id: jobId }, select: { id: true, ownerId: true, status: true } });
  if (!job) return { kind: 'not-found' };
  if (isTerminal(job.status)) return { kind: 'finished', status: job.status };

  const names = new Set<string>();
  for (const file of request.files) {
    let safe: string;
    try {
      safe = safeFileName(file.name);
    } catch (err) {
      if (err instanceof StorageError) return { kind: 'invalid', message: err.message };
      throw err;
    }
    if (safe !== file.name) return { kind: 'invalid', message: `"${file.name}" is not a plain file name (letters, digits, ".", "-", "_"); it would be stored as "${safe}"` };
    if (names.has(file.name)) return { kind: 'invalid', message: `"${file.name}" is listed twice` };
    names.add(file.name);
    const max = services.config.storage.maxUploadBytes.models;
    if (file.size > max) return { kind: 'too-large', message: `${file.name} is ${file.size} bytes, over the ${max} byte limit of the models bucket` };
  }

  const files = [];
  for (const file of request.files) {
    const path = stagedPath(job, file.name);
    await services.storage.delete('models', path);
    try {
      const upload = await services.storage.createUploadUrl('models', path, { contentType: file.contentType, size: file.size, expiresInSeconds: UPLOAD_URL_SECONDS });
      files.push({ name: file.name, ...upload });
    } catch (err) {
      if (err instanceof RangeError) return { kind: 'invalid', message: `${file.name}: ${err.message}` };
      throw err;
    }
  }
  return { kind: 'signed', files };
}

/** Removes a job's staged uploads (after they were copied, or when they never will be). */
export async function deleteStagedUploads(services: Services, job: { ownerId: string; id: string }): Promise<void> {
  await services.storage
    .deleteFolder('models', objectFolder(job.ownerId, job.id))
    .catch((err: Error) => services.log.warn('staged uploads not removed', { jobId: job.id, err: err.message }));
}
