// The object storage interface both drivers implement, and the rules they share: paths, limits, expiry, typed errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

export type Bucket = 'datasets' | 'models';

export interface SignedUpload {
  url: string;
  method: 'PUT';
  /** Headers the client must send with the PUT, exactly as given. */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface SignedDownload {
  url: string;
  expiresAt: Date;
}

export interface ObjectInfo {
  size: number;
  contentType: string | null;
}

export interface ObjectStorage {
  createUploadUrl(bucket: Bucket, path: string, o: { contentType: string; size: number; expiresInSeconds: number }): Promise<SignedUpload>;
  createDownloadUrl(bucket: Bucket, path: string, o: { expiresInSeconds: number; downloadName?: string }): Promise<SignedDownload>;
  /** null when the object does not exist. */
  stat(bucket: Bucket, path: string): Promise<ObjectInfo | null>;
  /** Throws StorageError NOT_FOUND when the object does not exist. */
  openRead(bucket: Bucket, path: string): Promise<Readable>;
  /** Streams body into the object, hashing as it goes; the object appears only once complete. */
  write(bucket: Bucket, path: string, body: Readable, o: { contentType: string }): Promise<{ size: number; sha256: string }>;
  /** Deleting a missing object is not an error. */
  delete(bucket: Bucket, path: string): Promise<void>;
  /** Deletes every object under `folder/` (e.g. "<owner>/<id>"); a missing folder is not an error. */
  deleteFolder(bucket: Bucket, folder: string): Promise<void>;
}

/** Serves the local driver's signed URLs; resolves false when the request is not under /storage/. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

interface BucketSettings {
  /** Real bucket names, e.g. lora-datasets and lora-models. */
  buckets: { datasets: string; models: string };
  /** Largest object each bucket accepts, in bytes. */
  maxUploadBytes: { datasets: number; models: number };
}

export type LocalStorageConfig = BucketSettings & {
  driver: 'local';
  /** Directory holding one folder per bucket. */
  root: string;
  /** HMAC key for signed URLs, at least 32 characters. */
  signingSecret: string;
};

export type GcsStorageConfig = BucketSettings & {
  driver: 'gcs';
  projectId?: string;
  keyFilename?: string;
  credentials?: { client_email: string; private_key: string };
};

export type StorageConfig = LocalStorageConfig | GcsStorageConfig;

export type StorageErrorCode =
  | 'INVALID_PATH'
  | 'SIGNATURE_INVALID'
  | 'URL_EXPIRED'
  /** A signed upload never replaces a stored object (a validated dataset stays what was validated). */
  | 'ALREADY_EXISTS'
  | 'TOO_LARGE'
  | 'CONTENT_TYPE_MISMATCH'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED';

export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME_LENGTH = 120;
const MAX_EXTENSION_LENGTH = 16;
// GCS bucket naming; it also keeps bucket names from starting with a dot, which the local driver relies on.
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
// V4 signatures cannot outlive seven days; the local driver keeps the same ceiling.
const MAX_EXPIRY_SECONDS = 7 * 24 * 3600;

/** "<owner>/<id>/<file>": the only way object paths are made, so user input never picks a location. */
export function objectPath(ownerId: string, objectId: string, fileName: string): string {
  return `${objectFolder(ownerId, objectId)}/${safeFileName(fileName)}`;
}

/** "<owner>/<id>": the folder of one object's files. */
export function objectFolder(ownerId: string, objectId: string): string {
  for (const id of [ownerId, objectId]) {
    if (!UUID.test(id)) throw new StorageError('INVALID_PATH', `not a UUID: ${JSON.stringify(id)}`);
  }
  return `${ownerId.toLowerCase()}/${objectId.toLowerCase()}`;
}

/** A basename of letters, digits, '.', '-' and '_' that keeps the extension; throws when nothing usable is left. */
export function safeFileName(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents: é becomes e
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, ''); // no hidden files, no '..'
  const dot = cleaned.lastIndexOf('.');
  const hasExtension = dot > 0 && cleaned.length - dot <= MAX_EXTENSION_LENGTH;
  const stem = (hasExtension ? cleaned.slice(0, dot) : cleaned).replace(/[._-]+$/, '');
  const extension = hasExtension ? cleaned.slice(dot) : '';
  if (!stem || !/[A-Za-z0-9]/.test(stem)) {
    throw new StorageError('INVALID_PATH', `no usable file name in ${JSON.stringify(fileName)}`);
  }
  return stem.slice(0, MAX_NAME_LENGTH - extension.length) + extension;
}

/** Checks an object path and returns its segments: no empty, '.' or '..' segment, no backslash or control character. */
export function pathSegments(path: string): string[] {
  const segments = path.split('/');
  for (const segment of segments) checkSegment(segment);
  return segments;
}

export function checkSegment(segment: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a path segment may not hold
  if (segment === '' || segment === '.' || segment === '..' || /[\\/\x00-\x1f\x7f]/.test(segment)) {
    throw new StorageError('INVALID_PATH', `invalid path segment ${JSON.stringify(segment)}`);
  }
}

export function checkBucketNames(buckets: BucketSettings['buckets']): void {
  for (const name of Object.values(buckets)) {
    if (!BUCKET_NAME.test(name)) throw new Error(`invalid bucket name ${JSON.stringify(name)}`);
  }
}

/** The byte limit an upload URL enforces: the declared size, which may not exceed the bucket's limit. */
export function uploadLimit(settings: BucketSettings, bucket: Bucket, size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid size ${size}`);
  const max = settings.maxUploadBytes[bucket];
  if (size > max) throw new StorageError('TOO_LARGE', `${size} bytes is over the ${max} byte limit`);
  return size;
}

/** A Content-Type safe to put in a header and a signature. */
export function checkContentType(contentType: string): void {
  if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(contentType)) {
    throw new RangeError(`invalid content type ${JSON.stringify(contentType)}`);
  }
}

/** Start and end of a signed URL's life, in whole seconds so the signed expiry is exactly what was asked. */
export function signingWindow(expiresInSeconds: number): { start: Date; expiresAt: Date } {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_EXPIRY_SECONDS) {
    throw new RangeError(`expiry must be 1..${MAX_EXPIRY_SECONDS} seconds, got ${expiresInSeconds}`);
  }
  const start = Math.floor(Date.now() / 1000) * 1000;
  return { start: new Date(start), expiresAt: new Date(start + expiresInSeconds * 1000) };
}

/** Content-Disposition for a download, with an ASCII fallback and the exact name in RFC 5987 form. */
export function contentDisposition(downloadName: string): string {
  const ascii = downloadName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const exact = encodeURIComponent(downloadName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
