// Signed download URLs (24 h) for every file of a STORED model, with the size
// and sha256 a client checks the bytes against. Someone else's model is not found.
import { db } from '../db/client.js';
import type { ModelArtifact } from '../db/generated/prisma/client.js';
import { NotFoundError } from '../errors.js';
import type { Services } from '../services/services.js';
import { ModelNotReadyError } from './errors.js';
import { archiveFolderName, ensureModelArchive } from './model-archive.js';

export const DOWNLOAD_EXPIRY_SECONDS = 24 * 3600;

export interface FileDownload {
  name: string;
  url: string;
  size: number;
  sha256: string;
  contentType: string;
  expiresAt: Date;
}

export type ArchiveDownload = Omit<FileDownload, 'sha256'>;

export interface ModelDownload {
  model: ModelArtifact;
  files: FileDownload[];
  expiresAt: Date;
  /** Every file in one tar archive, written on first call (only callers that want it pay for it). */
  archive: () => Promise<ArchiveDownload>;
}

export async function createModelDownload(services: Services, ownerId: string, modelId: string): Promise<ModelDownload> {
  const model = await db.modelArtifact.findFirst({ where: { id: modelId, ownerId }, include: { files: { orderBy: { name: 'asc' } } } });
  if (!model) throw new NotFoundError('Model', modelId);
  if (model.status !== 'STORED') throw new ModelNotReadyError(modelId, model.status);
  const files = await Promise.all(
    model.files.map(async (file) => {
      const signed = await services.storage.createDownloadUrl('models', file.storagePath, { expiresInSeconds: DOWNLOAD_EXPIRY_SECONDS, downloadName: file.name });
      return { name: file.name, url: signed.url, size: Number(file.size), sha256: file.sha256, contentType: file.contentType, expiresAt: signed.expiresAt };
    }),
  );
  const { files: _files, ...row } = model;
  const expiresAt = new Date(Math.min(Date.now() + DOWNLOAD_EXPIRY_SECONDS * 1000, ...files.map((f) => f.expiresAt.getTime())));
  const archive = async (): Promise<ArchiveDownload> => {
    const path = await ensureModelArchive(services.storage, model);
    const name = `${archiveFolderName(model)}.tar`;
    const [stat, signed] = await Promise.all([
      services.storage.stat('models', path),
      services.storage.createDownloadUrl('models', path, { expiresInSeconds: DOWNLOAD_EXPIRY_SECONDS, downloadName: name }),
    ]);
    return { name, url: signed.url, size: stat?.size ?? 0, contentType: 'application/x-tar', expiresAt: signed.expiresAt };
  };
  return { model: row, files, expiresAt, archive };
}
