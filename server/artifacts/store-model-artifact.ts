// Turns a COMPLETED job into a stored model: one ModelArtifact per job, every
// provider file (or the trainer's upload of it, see trainer-uploads.ts)
// streamed into the models bucket at <owner>/<artifact>/<name>
// and checked against the provider's size and sha256, a model card and (when
// the provider sent none) a metrics summary written beside them, quality
// measured from the stored points, then STORED and ARTIFACT_READY in one
// transaction. Safe to run twice, concurrently, or after a crash half-way:
// files already copied intact are skipped and every write lands once.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { db, type Prisma } from '../db/client.js';
import type { ModelArtifact, TrainingJob } from '../db/generated/prisma/client.js';
import { ProviderRejectedError, type ProviderArtifact, type ProviderStatus } from '../gpu/provider.js';
import { formatCount } from '../notifications/format.js';
import { createNotification, publishNotification } from '../notifications/notify.js';
import { modelEventData } from '../outbound-webhooks/payloads.js';
import { recordEvent } from '../outbound-webhooks/record-event.js';
import type { Services } from '../services/services.js';
import { checkContentType, objectPath, StorageError } from '../storage/index.js';
import { publishJobUpdated } from '../training/publish-job.js';
import { deleteStagedUploads, stagedPath } from '../training/trainer-uploads.js';
import { ArtifactIntegrityError, PermanentArtifactError } from './errors.js';
import { METRICS_SUMMARY_NAME, MODEL_CARD_NAME, metricsSummary, modelCard } from './model-card.js';
import { measureQuality } from './quality.js';

type JobWithDataset = TrainingJob & { dataset: { id: string; name: string; statistics: Prisma.JsonValue } };

async function loadJob(jobId: string): Promise<JobWithDataset | null> {
  return db.trainingJob.findUnique({ where: { id: jobId }, include: { dataset: { select: { id: true, name: true, statistics: true } } } });
}

/** The job's artifact, made PENDING on first call (unique per job, so concurrent callers share one). */
async function ensureArtifact(job: TrainingJob): Promise<ModelArtifact> {
  const id = randomUUID();
  await db.modelArtifact.createMany({
    data: {
      id,
      ownerId: job.ownerId,
      jobId: job.id,
      datasetId: job.datasetId,
      name: job.name,
      baseModelId: job.baseModelId,
      hyperparameters: job.hyperparameters as Prisma.InputJsonValue,
      storagePrefix: `${job.ownerId}/${id}/`,
    },
    skipDuplicates: true,
  });
  return db.modelArtifact.findUniqueOrThrow({ where: { jobId: job.id } });
}

/** The job's artifact changed: its subscribers and the owner's job and model lists hear of it. */
function publishArtifactChanged(services: Services, job: TrainingJob, artifact: ModelArtifact): void {
  publishJobUpdated(services, job);
  services.pubsub.publish('listChanged', artifact.ownerId, { type: 'Model', id: artifact.id });
}

function toNodeStream(source: ReadableStream<Uint8Array> | NodeJS.ReadableStream): Readable {
  if (source instanceof Readable) return source;
  if (typeof (source as ReadableStream).getReader === 'function') return Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>);
  return Readable.from(source as AsyncIterable<Uint8Array>);
}

function safeContentType(contentType: string): string {
  try {
    checkContentType(contentType);
    return contentType;
  } catch {
    return 'application/octet-stream';
  }
}

/** A file the trainer uploaded to our storage is read from there; any other is fetched from the provider. */
async function openSource(services: Services, job: TrainingJob, file: ProviderArtifact): Promise<Readable> {
  const staged = stagedPath(job, file.name);
  if (await services.storage.stat('models', staged)) return services.storage.openRead('models', staged);
  return toNodeStream(await services.gpu.openArtifact(file));
}

/** Streams one provider file into the bucket and records it once its bytes match the provider's. */
async function copyFile(services: Services, job: TrainingJob, artifact: ModelArtifact, file: ProviderArtifact, path: string): Promise<void> {
  const contentType = safeContentType(file.contentType);
  const written = await services.storage.write('models', path, await openSource(services, job, file), { contentType });
  if (written.size !== file.size || written.sha256 !== file.sha256) {
    await services.storage.delete('models', path);
    throw new ArtifactIntegrityError(
      `${file.name}: copied ${written.size} bytes with sha256 ${written.sha256}, but the provider announced ${file.size} bytes with sha256 ${file.sha256}`,
    );
  }
  await recordFile(artifact.id, { name: file.name, storagePath: path, contentType, ...written });
}

async function writeGenerated(services: Services, artifact: ModelArtifact, name: string, text: string, contentType: string): Promise<void> {
  const path = objectPath(artifact.ownerId, artifact.id, name);
  const written = await services.storage.write('models', path, Readable.from([Buffer.from(text)]), { contentType });
  await recordFile(artifact.id, { name, storagePath: path, contentType, ...written });
}

async function recordFile(artifactId: string, f: { name: string; storagePath: string; contentType: string; size: number; sha256: string }): Promise<void> {
  const data = { storagePath: f.storagePath, size: BigInt(f.size), sha256: f.sha256, contentType: f.contentType };
  await db.artifactFile.upsert({ where: { artifactId_name: { artifactId, name: f.name } }, create: { artifactId, name: f.name, ...data }, update: data });
}

/** Where each provider file goes; refuses names that cannot be stored or that would land on one another. */
function planPaths(artifact: ModelArtifact, files: ProviderArtifact[]): Map<ProviderArtifact, string> {
  const paths = new Map<ProviderArtifact, string>();
  const taken = new Set([objectPath(artifact.ownerId, artifact.id, MODEL_CARD_NAME)]);
  for (const file of files) {
    let path: string;
    try {
      path = objectPath(artifact.ownerId, artifact.id, file.name);
    } catch (err) {
      if (err instanceof StorageError) throw new PermanentArtifactError(`The provider's file name "${file.name}" cannot be stored: ${err.message}`);
      throw err;
    }
    if (taken.has(path)) throw new PermanentArtifactError(`The provider sent two files that would both be stored as ${path}`);
    taken.add(path);
    paths.set(file, path);
  }
  return paths;
}

/**
 * Stores the artifact of a COMPLETED job. Returns it (STORED, or as it was
 * when already STORED or FAILED), or null when the job is not COMPLETED.
 * Throws to be retried; PermanentArtifactError when retrying cannot help.
 */
export async function storeModelArtifact(services: Services, jobId: string): Promise<ModelArtifact | null> {
  const job = await loadJob(jobId);
  if (job?.status !== 'COMPLETED') return null;
  const artifact = await ensureArtifact(job);
  if (artifact.status !== 'PENDING') return artifact;
  if (!job.externalJobId) throw new PermanentArtifactError('The job never reached a GPU provider, so there are no files to store.');

  let status: ProviderStatus;
  try {
    // After the last step: the answer carries the file list, not the points.
    status = await services.gpu.status(job.externalJobId, Math.max(job.currentStep, job.totalSteps));
  } catch (err) {
    if (err instanceof ProviderRejectedError) throw new PermanentArtifactError(`The GPU provider no longer has the run: ${err.message}`);
    throw err;
  }
  if (status.state === 'FAILED' || status.state === 'CANCELLED')
    throw new PermanentArtifactError(`The GPU provider reports the run as ${status.state}, so it has no files to copy.`);
  // A trainer may report its end to us before its provider shows it (RunPod's /status follows the handler's return).
  if (status.state !== 'COMPLETED') throw new Error(`The GPU provider does not show the run as finished yet (${status.state})`);
  // Our model card replaces one the provider may have written.
  const provided = status.artifacts.filter((a) => a.name !== MODEL_CARD_NAME);
  if (provided.length === 0) throw new Error('The GPU provider lists no files for the run yet');
  const maxBytes = services.config.storage.maxUploadBytes.models;
  const tooLarge = provided.find((a) => a.size > maxBytes);
  if (tooLarge) throw new PermanentArtifactError(`${tooLarge.name} is ${tooLarge.size} bytes, over the ${maxBytes} byte limit of the models bucket.`);

  const paths = planPaths(artifact, provided);
  const copied = await db.artifactFile.findMany({ where: { artifactId: artifact.id } });
  for (const file of provided) {
    const path = paths.get(file)!;
    const done = copied.find((c) => c.name === file.name && c.sha256 === file.sha256 && Number(c.size) === file.size && c.storagePath === path);
    if (!done) await copyFile(services, job, artifact, file, path);
  }

  const quality = await measureQuality(job.id);
  if (!provided.some((a) => a.name === METRICS_SUMMARY_NAME)) {
    await writeGenerated(services, artifact, METRICS_SUMMARY_NAME, metricsSummary(job, quality), 'application/json');
  }
  const files = await db.artifactFile.findMany({ where: { artifactId: artifact.id, name: { not: MODEL_CARD_NAME } }, orderBy: { name: 'asc' } });
  const card = modelCard({
    artifactName: artifact.name,
    job,
    dataset: job.dataset,
    quality,
    files: files.map((f) => ({ name: f.name, size: Number(f.size), sha256: f.sha256 })),
  });
  await writeGenerated(services, artifact, MODEL_CARD_NAME, card, 'text/markdown; charset=utf-8');

  const totalBytes = files.reduce((sum, f) => sum + Number(f.size), 0) + Buffer.byteLength(card);
  const notificationId = await db.$transaction(async (tx) => {
    const { count } = await tx.modelArtifact.updateMany({
      where: { id: artifact.id, status: 'PENDING' },
      data: {
        status: 'STORED',
        storedAt: new Date(),
        finalValidationLoss: quality.finalValidationLoss,
        bestValidationLoss: quality.bestValidationLoss,
        bestValidationStep: quality.bestValidationStep,
        finalTrainingLoss: quality.finalTrainingLoss,
        perplexity: quality.perplexity,
        lossReduction: quality.lossReduction,
        rating: quality.rating,
        qualityWarnings: quality.warnings as never,
      },
    });
    if (count === 0) return null; // a concurrent run stored it first
    await recordEvent(tx, services, artifact.ownerId, 'model.stored', async () => modelEventData(await tx.modelArtifact.findUniqueOrThrow({ where: { id: artifact.id } })));
    return createNotification(
      {
        ownerId: artifact.ownerId,
        type: 'ARTIFACT_READY',
        title: `Model "${artifact.name}" is ready to download`,
        message: `${formatCount(files.length + 1, 'file')}, ${(totalBytes / 1e6).toFixed(1)} MB${quality.rating === null ? '' : `, rated ${quality.rating}/5`}.`,
        priority: 'NORMAL',
        link: `/models/${artifact.id}`,
        metadata: { modelId: artifact.id, jobId: job.id, rating: quality.rating },
        dedupeKey: `artifact:${job.id}:ready`,
      },
      tx,
    );
  });
  publishNotification(services, artifact.ownerId, notificationId);
  publishArtifactChanged(services, job, artifact);
  await deleteStagedUploads(services, job);
  return db.modelArtifact.findUniqueOrThrow({ where: { id: artifact.id } });
}

/** Gives up on a job's artifact: FAILED with the reason, the owner told once, copied objects removed. */
export async function failModelArtifact(services: Services, jobId: string, reason: string): Promise<void> {
  const job = await loadJob(jobId);
  if (job?.status !== 'COMPLETED') return;
  const artifact = await ensureArtifact(job);
  const notificationId = await db.$transaction(async (tx) => {
    const { count } = await tx.modelArtifact.updateMany({ where: { id: artifact.id, status: 'PENDING' }, data: { status: 'FAILED', failureReason: reason } });
    if (count === 0) return null;
    return createNotification(
      {
        ownerId: artifact.ownerId,
        type: 'ARTIFACT_FAILED',
        title: `The files of "${artifact.name}" could not be stored`,
        message: reason,
        priority: 'HIGH',
        link: `/models/${artifact.id}`,
        metadata: { modelId: artifact.id, jobId: job.id },
        dedupeKey: `artifact:${job.id}:failed`,
      },
      tx,
    );
  });
  if (notificationId === null) return;
  publishNotification(services, artifact.ownerId, notificationId);
  publishArtifactChanged(services, job, artifact);
  const files = await db.artifactFile.findMany({ where: { artifactId: artifact.id } });
  for (const file of files) await services.storage.delete('models', file.storagePath).catch(() => {});
  await db.artifactFile.deleteMany({ where: { artifactId: artifact.id } });
  await deleteStagedUploads(services, job);
}
