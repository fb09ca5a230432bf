// Local driver: objects are files under <root>/<bucket>/, reached through signed PUT/GET URLs on /storage/.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Meter } from './meter.js';
import {
  checkBucketNames,
  checkContentType,
  checkSegment,
  contentDisposition,
  pathSegments,
  signingWindow,
  StorageError,
  uploadLimit,
  type Bucket,
  type HttpHandler,
  type LocalStorageConfig,
  type ObjectStorage,
  type StorageErrorCode,
} from './storage.js';

const ROUTE = '/storage/';
// After refusing an upload, keep reading (and dropping) the body this long before closing, so the client
// reads our answer instead of losing it to a connection reset.
const LINGER_MS = 2000;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const STATUS: Record<StorageErrorCode, number> = {
  INVALID_PATH: 400,
  SIGNATURE_INVALID: 403,
  URL_EXPIRED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  METHOD_NOT_ALLOWED: 405,
  TOO_LARGE: 413,
  CONTENT_TYPE_MISMATCH: 415,
};

/** What a signed URL allows. The signature covers every field. */
interface Grant {
  method: 'GET' | 'PUT';
  bucketName: string;
  path: string;
  /** Unix seconds. */
  expires: number;
  /** PUT: the Content-Type the upload must carry. */
  contentType?: string;
  /** PUT: the most bytes the upload may have. */
  maxBytes?: number;
  /** GET: the file name offered to the browser. */
  downloadName?: string;
}

/** Where an object and its metadata live on disk. */
interface Place {
  file: string;
  meta: string;
}

export function createLocalStorage(config: LocalStorageConfig, options: { publicBaseUrl: string }): ObjectStorage & { handleHttp: HttpHandler } {
  checkBucketNames(config.buckets);
  if (config.signingSecret.length < 32) throw new Error('storage signingSecret must be at least 32 characters');
  const root = resolve(config.root);
  const baseUrl = options.publicBaseUrl.replace(/\/+$/, '');
  const bucketNames = new Set(Object.values(config.buckets));

  // Bucket names never start with a dot (checkBucketNames), so '.meta' cannot clash with a bucket.
  function locate(bucketName: string, segments: string[]): Place {
    const dir = join(root, bucketName);
    const file = resolve(dir, ...segments);
    if (!file.startsWith(dir + sep)) throw new StorageError('INVALID_PATH', 'path leaves the bucket');
    return { file, meta: `${join(root, '.meta', bucketName, ...segments)}.json` };
  }

  const place = (bucket: Bucket, path: string) => locate(config.buckets[bucket], pathSegments(path));

  function sign(grant: Grant): string {
    const { method, bucketName, path, expires, contentType, maxBytes, downloadName } = grant;
    const message = JSON.stringify([method, bucketName, path, expires, contentType, maxBytes, downloadName]);
    return createHmac('sha256', config.signingSecret).update(message).digest('hex');
  }

  function signedUrl(grant: Grant): string {
    const query = new URLSearchParams({ 'X-Expires': String(grant.expires) });
    if (grant.contentType !== undefined) query.set('X-Content-Type', grant.contentType);
    if (grant.maxBytes !== undefined) query.set('X-Max-Bytes', String(grant.maxBytes));
    if (grant.downloadName !== undefined) query.set('X-Download-Name', grant.downloadName);
    query.set('X-Signature', sign(grant));
    const path = grant.path.split('/').map(encodeURIComponent).join('/');
    return `${baseUrl}${ROUTE}${grant.bucketName}/${path}?${query}`;
  }

  /** A signed URL granting `method` on one object until the signing window ends, on the terms the request must keep. */
  function grantUrl(method: Grant['method'], bucket: Bucket, path: string, expiresInSeconds: number, terms: Pick<Grant, 'contentType' | 'maxBytes' | 'downloadName'>) {
    const { expiresAt } = signingWindow(expiresInSeconds);
    const url = signedUrl({ method, bucketName: config.buckets[bucket], path, expires: expiresAt.getTime() / 1000, ...terms });
    return { url, expiresAt };
  }

  /** Rebuilds the grant a request claims and checks its signature, then its expiry. */
  function verify(method: Grant['method'], bucketName: string, path: string, query: URLSearchParams): Grant {
    const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
    const text = (name: string) => query.get(name) ?? undefined;
    const grant: Grant = {
      method,
      bucketName,
      path,
      expires: number('X-Expires') ?? NaN,
      contentType: text('X-Content-Type'),
      maxBytes: number('X-Max-Bytes'),
      downloadName: text('X-Download-Name'),
    };
    const given = query.get('X-Signature') ?? '';
    const valid = /^[0-9a-f]{64}$/.test(given) && timingSafeEqual(Buffer.from(sign(grant), 'hex'), Buffer.from(given, 'hex'));
    if (!valid) throw new StorageError('SIGNATURE_INVALID', 'the URL signature does not match');
    if (Date.now() > grant.expires * 1000) throw new StorageError('URL_EXPIRED', 'the URL has expired');
    return grant;
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = req.url ?? '';
    if (!url.startsWith(ROUTE)) return false;
    try {
      const { bucketName, segments, query } = parseUrl(url);
      if (!bucketNames.has(bucketName)) throw new StorageError('NOT_FOUND', 'no such bucket');
      const target = locate(bucketName, segments);
      const path = segments.join('/');
      if (req.method === 'PUT') {
        await receive(req, res, target, verify('PUT', bucketName, path, query));
      } else if (req.method === 'GET' || req.method === 'HEAD') {
        await send(req, res, target, verify('GET', bucketName, path, query));
      } else {
        res.setHeader('Allow', 'GET, HEAD, PUT');
        throw new StorageError('METHOD_NOT_ALLOWED', `${req.method} is not allowed`);
      }
    } catch (err) {
      sendError(req, res, err);
    }
    return true;
  }

  async function receive(req: IncomingMessage, res: ServerResponse, target: Place, grant: Grant): Promise<void> {
    const contentType = grant.contentType ?? '';
    if (req.headers['content-type'] !== contentType) {
      throw new StorageError('CONTENT_TYPE_MISMATCH', `the upload must be sent with Content-Type: ${contentType}`);
    }
    const limit = grant.maxBytes ?? 0;
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      throw new StorageError('TOO_LARGE', `more than the ${limit} bytes allowed`);
    }
    // Read through a PassThrough: if the save fails, only it is destroyed and the request stays open for our answer.
    const body = new PassThrough();
    // A request torn down before its body was read (client gone, or a malformed stream that made Node drop
    // the connection) never ends: stop the save so no temp file is left behind.
    const onClose = () => {
      if (!req.readableEnded) body.destroy(new Error('the connection closed before the upload ended'));
    };
    req.once('close', onClose);
    req.pipe(body);
    try {
      const saved = await save(target, body, limit, contentType, { replace: false });
      sendJson(res, 200, saved);
    } finally {
      req.off('close', onClose);
      req.unpipe(body);
    }
  }

  async function send(req: IncomingMessage, res: ServerResponse, target: Place, grant: Grant): Promise<void> {
    const handle = await openObject(target);
    try {
      const { size } = await handle.stat();
      res.writeHead(200, {
        'Content-Type': (await readContentType(target)) ?? DEFAULT_CONTENT_TYPE,
        'Content-Length': size,
        'Cache-Control': 'private',
        ...(grant.downloadName !== undefined && { 'Content-Disposition': contentDisposition(grant.downloadName) }),
      });
    } catch (err) {
      await handle.close();
      throw err;
    }
    if (req.method === 'HEAD') {
      await handle.close();
      res.end();
      return;
    }
    await pipeline(handle.createReadStream(), res);
  }

  return {
    handleHttp,

    async createUploadUrl(bucket, path, o) {
      pathSegments(path);
      checkContentType(o.contentType);
      const maxBytes = uploadLimit(config, bucket, o.size);
      const { url, expiresAt } = grantUrl('PUT', bucket, path, o.expiresInSeconds, { contentType: o.contentType, maxBytes });
      return { url, method: 'PUT', headers: { 'Content-Type': o.contentType }, expiresAt };
    },

    async createDownloadUrl(bucket, path, o) {
      pathSegments(path);
      return grantUrl('GET', bucket, path, o.expiresInSeconds, { downloadName: o.downloadName });
    },

    async stat(bucket, path) {
      const target = place(bucket, path);
      try {
        const info = await stat(target.file);
        if (!info.isFile()) return null;
        return { size: info.size, contentType: await readContentType(target) };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },

    async openRead(bucket, path) {
      return (await openObject(place(bucket, path))).createReadStream();
    },

    async write(bucket, path, body, o) {
      checkContentType(o.contentType);
      return save(place(bucket, path), body, config.maxUploadBytes[bucket], o.contentType, { replace: true });
    },

    async delete(bucket, path) {
      const target = place(bucket, path);
      await rm(target.file, { force: true });
      await rm(target.meta, { force: true });
    },

    async deleteFolder(bucket, folder) {
      // The folder's place, and its metadata's: the same path without the '.json' an object's metadata has.
      const target = place(bucket, folder);
      await rm(target.file, { recursive: true, force: true });
      await rm(target.meta.slice(0, -'.json'.length), { recursive: true, force: true });
    },
  };
}

/** Splits "/storage/<bucket>/<path>?query" without normalising it, so '..' and friends are seen and refused. */
function parseUrl(url: string): { bucketName: string; segments: string[]; query: URLSearchParams } {
  const q = url.indexOf('?');
  const rawPath = url.slice(ROUTE.length, q === -1 ? undefined : q);
  const [bucketName = '', ...segments] = rawPath.split('/').map(decodeSegment);
  if (segments.length === 0) throw new StorageError('INVALID_PATH', 'no object path');
  return { bucketName, segments, query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)) };
}

function decodeSegment(raw: string): string {
  let segment: string;
  try {
    segment = decodeURIComponent(raw);
  } catch {
    throw new StorageError('INVALID_PATH', 'malformed percent-encoding in path');
  }
  checkSegment(segment);
  return segment;
}

/**
 * Streams into a temporary file beside the target, then moves it into place: readers never see a partial object.
 * Without `replace` (signed uploads), an object already there is kept and the write fails with ALREADY_EXISTS.
 */
async function save(target: Place, source: Readable, limit: number, contentType: string, { replace }: { replace: boolean }): Promise<{ size: number; sha256: string }> {
  const exists = () => new StorageError('ALREADY_EXISTS', 'an object is already stored here; an upload cannot replace it');
  if (!replace && (await stat(target.file).catch(() => null))) throw exists();
  await mkdir(dirname(target.file), { recursive: true });
  const temp = join(dirname(target.file), `.${basename(target.file)}.${randomUUID()}.part`);
  const meter = new Meter(limit);
  // Create the temp file before streaming, so the cleanup below cannot run ahead of its creation.
  const file = await open(temp, 'wx');
  try {
    await pipeline(source, meter, file.createWriteStream());
    await mkdir(dirname(target.meta), { recursive: true });
    if (replace) {
      await writeFile(target.meta, JSON.stringify({ contentType }));
      await rename(temp, target.file);
    } else {
      // link() fails if the target exists, so two uploads racing cannot both land.
      await link(temp, target.file).catch((err) => {
        throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? exists() : err;
      });
      await writeFile(target.meta, JSON.stringify({ contentType }));
    }
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await rm(temp, { force: true });
  return meter.result();
}

async function openObject(target: Place): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(target.file, 'r');
  } catch (err) {
    if (isMissing(err)) throw new StorageError('NOT_FOUND', 'no such object');
    throw err;
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new StorageError('NOT_FOUND', 'no such object');
  }
  return handle;
}

async function readContentType(target: Place): Promise<string | null> {
  try {
    const meta: unknown = JSON.parse(await readFile(target.meta, 'utf8'));
    const contentType = (meta as { contentType?: unknown }).contentType;
    return typeof contentType === 'string' ? contentType : null;
  } catch {
    return null; // written before object metadata existed, or half-written by a concurrent save
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answers with the JSON error body; when the client is still sending, answers first and closes once it stops. */
function sendError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (req.socket.destroyed) return; // the client left: nobody to answer, and not our failure
  if (!(err instanceof StorageError)) console.error('storage: request failed', err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const error = err instanceof StorageError ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: 'storage failed' };
  const status = err instanceof StorageError ? STATUS[err.code] : 500;
  if (req.complete) {
    sendJson(res, status, { error });
    return;
  }
  const body = JSON.stringify({ error });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.write(body);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    res.end();
  };
  const timer = setTimeout(() => {
    end();
    req.socket.destroy();
  }, LINGER_MS).unref();
  req.once('end', end);
  req.once('close', end);
  req.resume();
}
