// Google Cloud Storage driver: V4 signed URLs for clients, streaming reads and writes for the server.
import { Storage, type StorageOptions } from '@google-cloud/storage';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Meter } from './meter.js';
import {
  checkBucketNames,
  checkContentType,
  contentDisposition,
  pathSegments,
  signingWindow,
  StorageError,
  uploadLimit,
  type Bucket,
  type GcsStorageConfig,
  type ObjectStorage,
} from './storage.js';

// GCS rejects an upload whose Content-Length is outside this range; the header is signed, so the client cannot drop it.
const LENGTH_RANGE = 'x-goog-content-length-range';
/** Generation 0: the upload succeeds only if no object exists (an upload never replaces a stored one). */
const CREATE_ONLY = { 'x-goog-if-generation-match': '0' };

export function createGcsStorage(config: GcsStorageConfig): ObjectStorage {
  checkBucketNames(config.buckets);
  const options: StorageOptions = {};
  if (config.projectId) options.projectId = config.projectId;
  if (config.keyFilename) options.keyFilename = config.keyFilename;
  if (config.credentials) options.credentials = config.credentials;
  const client = new Storage(options);

  const object = (bucket: Bucket, path: string) => {
    pathSegments(path);
    return client.bucket(config.buckets[bucket]).file(path);
  };

  async function stat(bucket: Bucket, path: string) {
    try {
      const [metadata] = await object(bucket, path).getMetadata();
      return { size: Number(metadata.size ?? 0), contentType: metadata.contentType ?? null };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  return {
    async createUploadUrl(bucket, path, o) {
      checkContentType(o.contentType);
      const lengthRange = `0,${uploadLimit(config, bucket, o.size)}`;
      const { start, expiresAt } = signingWindow(o.expiresInSeconds);
      const [url] = await object(bucket, path).getSignedUrl({
        version: 'v4',
        action: 'write',
        accessibleAt: start,
        expires: expiresAt,
        contentType: o.contentType,
        extensionHeaders: { [LENGTH_RANGE]: lengthRange, ...CREATE_ONLY },
      });
      return { url, method: 'PUT', headers: { 'Content-Type': o.contentType, [LENGTH_RANGE]: lengthRange, ...CREATE_ONLY }, expiresAt };
    },

    async createDownloadUrl(bucket, path, o) {
      const { start, expiresAt } = signingWindow(o.expiresInSeconds);
      const [url] = await object(bucket, path).getSignedUrl({
        version: 'v4',
        action: 'read',
        accessibleAt: start,
        expires: expiresAt,
        ...(o.downloadName !== undefined && { responseDisposition: contentDisposition(o.downloadName) }),
      });
      return { url, expiresAt };
    },

    stat,

    async openRead(bucket, path) {
      // Checked first so a missing object is the same typed error as with the local driver, not a late stream error.
      if (!(await stat(bucket, path))) throw new StorageError('NOT_FOUND', 'no such object');
      return object(bucket, path).createReadStream();
    },

    async write(bucket, path, body: Readable, o) {
      checkContentType(o.contentType);
      const meter = new Meter(config.maxUploadBytes[bucket]);
      // An upload destroyed before it finishes never becomes an object.
      await pipeline(body, meter, object(bucket, path).createWriteStream({ contentType: o.contentType }));
      return meter.result();
    },

    async delete(bucket, path) {
      await object(bucket, path).delete({ ignoreNotFound: true });
    },

    async deleteFolder(bucket, folder) {
      pathSegments(folder);
      await client.bucket(config.buckets[bucket]).deleteFiles({ prefix: `${folder}/`, force: true });
    },
  };
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown }).code === 404;
}
