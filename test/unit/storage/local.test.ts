// The local driver over real HTTP: signed uploads and downloads, and every way a URL or an upload can be wrong.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalStorage } from '../../../server/storage/local.js';
import { objectFolder, objectPath, StorageError, type Bucket } from '../../../server/storage/index.js';

const MB = 1024 * 1024;
const JSONL = 'application/jsonl';

let root: string;
let server: Server;
let baseUrl: string;
let storage: ReturnType<typeof createLocalStorage>;
const inFlight = new Set<Promise<void>>();

/** Resolves once the server has finished every request it started, whatever the client saw. */
async function serverIdle(): Promise<void> {
  while (inFlight.size > 0) await Promise.all(inFlight);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'storage-test-'));
  server = createServer((req, res) => {
    const handling = storage.handleHttp(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end('not storage');
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  storage = createLocalStorage(
    {
      driver: 'local',
      root,
      signingSecret: 'test-secret-that-is-at-least-32-chars',
      buckets: { datasets: 'lora-datasets', models: 'lora-models' },
      maxUploadBytes: { datasets: 4 * MB, models: 64 * MB },
    },
    { publicBaseUrl: `${baseUrl}/` },
  );
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

const newPath = (file = 'train.jsonl') => objectPath(randomUUID(), randomUUID(), file);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function uploadUrl(path: string, size: number, bucket: Bucket = 'datasets') {
  return storage.createUploadUrl(bucket, path, { contentType: JSONL, size, expiresInSeconds: 3600 });
}

async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error: { code: string } };
  return body.error.code;
}

/** Every file under the bucket folder for this path's owner: no object, no temp file. */
async function filesUnder(path: string): Promise<string[]> {
  const owner = path.split('/')[0]!;
  const dir = join(root, 'lora-datasets', owner);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

/** Sends a request with a raw, unnormalised path (fetch would resolve '..' before sending). */
function rawRequest(method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local storage over HTTP', () => {
  it('uploads and downloads the same bytes', async () => {
    const data = randomBytes(300_000);
    const path = newPath();
    const upload = await uploadUrl(path, data.length);
    expect(upload.method).toBe('PUT');
    expect(upload.headers).toEqual({ 'Content-Type': JSONL });
    expect(upload.expiresAt.getTime() - Date.now()).toBeGreaterThan(3590_000);

    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: data });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ size: data.length, sha256: sha256(data) });
    expect(await storage.stat('datasets', path)).toEqual({ size: data.length, contentType: JSONL });

    const download = await storage.createDownloadUrl('datasets', path, { expiresInSeconds: 86400, downloadName: 'my data é.jsonl' });
    const get = await fetch(download.url);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe(JSONL);
    expect(get.headers.get('content-length')).toBe(String(data.length));
    expect(get.headers.get('content-disposition')).toBe(`attachment; filename="my data _.jsonl"; filename*=UTF-8''my%20data%20%C3%A9.jsonl`);
    const received = new Uint8Array(await get.arrayBuffer());
    expect(sha256(received)).toBe(sha256(data));
    expect(Buffer.compare(received, data)).toBe(0);

    const head = await fetch(download.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(data.length));
    expect(await head.text()).toBe('');
    expect(await filesUnder(path)).toEqual(['train.jsonl']);
  });

  it('never lets an upload replace a stored object: 409, the first bytes kept', async () => {
    const first = randomBytes(1000);
    const path = newPath();
    const upload = await uploadUrl(path, first.length);
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: first })).status).toBe(200);
    // The same URL again, and a fresh one: a dataset that was validated stays what was validated.
    for (const again of [upload, await uploadUrl(path, first.length)]) {
      const put = await fetch(again.url, { method: 'PUT', headers: again.headers, body: randomBytes(1000) });
      expect(put.status).toBe(409);
      expect((await put.json()).error.code).toBe('ALREADY_EXISTS');
    }
    const download = await storage.createDownloadUrl('datasets', path, { expiresInSeconds: 60 });
    expect(Buffer.compare(Buffer.from(await (await fetch(download.url)).arrayBuffer()), first)).toBe(0);
    expect(await filesUnder(path)).toEqual(['train.jsonl']);
  });

  it('accepts an empty file', async () => {
    const path = newPath();
    const upload = await uploadUrl(path, 0);
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: '' });
    expect(put.status).toBe(200);
    expect(await storage.stat('datasets', path)).toEqual({ size: 0, contentType: JSONL });
  });

  it('refuses an expired URL', async () => {
    const path = newPath();
    const upload = await uploadUrl(path, 10);
    const download = await storage.createDownloadUrl('datasets', path, { expiresInSeconds: 60 });
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 3601_000);
    try {
      const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: '0123456789' });
      expect(put.status).toBe(403);
      expect(await errorCode(put)).toBe('URL_EXPIRED');
      const get = await fetch(download.url);
      expect(get.status).toBe(403);
      expect(await errorCode(get)).toBe('URL_EXPIRED');
    } finally {
      vi.restoreAllMocks();
    }
    expect(await storage.stat('datasets', path)).toBeNull();
  });

  it.each([
    ['signature', (u: URL) => u.searchParams.set('X-Signature', flipLastHex(u.searchParams.get('X-Signature')!))],
    ['path', (u: URL) => (u.pathname = u.pathname.replace('train.jsonl', 'other.jsonl'))],
    ['bucket', (u: URL) => (u.pathname = u.pathname.replace('lora-datasets', 'lora-models'))],
    ['max bytes', (u: URL) => u.searchParams.set('X-Max-Bytes', String(4 * MB))],
    ['expiry', (u: URL) => u.searchParams.set('X-Expires', String(Number(u.searchParams.get('X-Expires')) + 3600))],
    ['content type', (u: URL) => u.searchParams.set('X-Content-Type', 'text/plain')],
    ['missing signature', (u: URL) => u.searchParams.delete('X-Signature')],
  ])('refuses an upload URL with a tampered %s', async (_name, tamper) => {
    const path = newPath();
    const upload = await uploadUrl(path, 10);
    const url = new URL(upload.url);
    tamper(url);
    const put = await fetch(url, { method: 'PUT', headers: { 'Content-Type': url.searchParams.get('X-Content-Type')! }, body: '0123456789' });
    expect(put.status).toBe(403);
    expect(await errorCode(put)).toBe('SIGNATURE_INVALID');
    expect(await filesUnder(path)).toEqual([]);
  });

  it('does not let a download URL upload, nor an upload URL download', async () => {
    const path = newPath();
    const upload = await uploadUrl(path, 3);
    await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'abc' });
    const download = await storage.createDownloadUrl('datasets', path, { expiresInSeconds: 60 });

    const put = await fetch(download.url, { method: 'PUT', headers: upload.headers, body: 'xyz' });
    expect(put.status).toBe(403);
    const get = await fetch(upload.url);
    expect(get.status).toBe(403);
    expect(await errorCode(get)).toBe('SIGNATURE_INVALID');
  });

  it('refuses the wrong content type', async () => {
    const path = newPath();
    const upload = await uploadUrl(path, 2);
    for (const contentType of ['text/plain', `${JSONL}; charset=utf-8`]) {
      const put = await fetch(upload.url, { method: 'PUT', headers: { 'Content-Type': contentType }, body: '{}' });
      expect(put.status).toBe(415);
      expect(await errorCode(put)).toBe('CONTENT_TYPE_MISMATCH');
    }
    expect(await filesUnder(path)).toEqual([]);
  });

  it('refuses a declared size over the bucket limit before signing', async () => {
    await expect(uploadUrl(newPath(), 4 * MB + 1)).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it('refuses a Content-Length over the signed size without reading the body', async () => {
    const path = newPath();
    const upload = await uploadUrl(path, 1000);
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: randomBytes(2 * MB) });
    expect(put.status).toBe(413);
    expect(await errorCode(put)).toBe('TOO_LARGE');
    expect(await filesUnder(path)).toEqual([]);
  });

  it('cuts off a streamed upload as soon as it passes the limit, keeping nothing', async () => {
    const path = newPath();
    const limit = 1 * MB;
    const upload = await uploadUrl(path, limit);
    const total = 200 * MB;
    let pulled = 0;
    const chunk = randomBytes(64 * 1024);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const controller = new AbortController();
    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: upload.headers, // no Content-Length: chunked, so only counting can catch it
      body,
      duplex: 'half',
      signal: controller.signal,
    } as RequestInit);
    expect(put.status).toBe(413);
    expect(await errorCode(put)).toBe('TOO_LARGE');
    controller.abort();
    expect(pulled).toBeLessThan(total / 2);
    await serverIdle();
    expect(await filesUnder(path)).toEqual([]);
    expect(await storage.stat('datasets', path)).toBeNull();
  });

  it('keeps nothing when the client disconnects mid-upload', async () => {
    const path = newPath();
    const upload = await uploadUrl(path, MB);
    const url = new URL(upload.url);
    await new Promise<void>((resolve) => {
      const req = request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: 'PUT', headers: upload.headers });
      req.on('error', () => resolve());
      req.write(randomBytes(200_000), () => setTimeout(() => req.destroy(), 20));
    });
    await serverIdle();
    expect(await filesUnder(path)).toEqual([]);
  });

  it('never stores more than the declared Content-Length when the client sends more', async () => {
    const path = newPath();
    const upload = await uploadUrl(path, 100);
    const url = new URL(upload.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        // Declares 10 bytes, sends 5010: what follows the 10 bytes is read as a (malformed) next request.
        socket.end(`PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${JSONL}\r\n` + `Content-Length: 10\r\n\r\n0123456789${'x'.repeat(5000)}`);
      });
      socket.resume();
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    // Node drops the connection at the garbage; the upload is then either whole (10 bytes) or not kept at all.
    await serverIdle();
    const info = await storage.stat('datasets', path);
    expect(info === null || info.size === 10).toBe(true);
    expect((await filesUnder(path)).filter((name) => name.endsWith('.part'))).toEqual([]);
    // The server keeps serving.
    expect((await fetch(`${baseUrl}/graphql`)).status).toBe(404);
  });

  it.each([
    '/storage/lora-datasets/../lora-models/x.bin',
    '/storage/lora-datasets/a/../../../../etc/passwd',
    '/storage/lora-datasets/%2e%2e/%2E%2E/escape.txt',
    '/storage/lora-datasets/..%2f..%2fescape.txt',
    '/storage/lora-datasets/a\\..\\..\\escape.txt',
    '/storage/lora-datasets/a%5c..%5cescape.txt',
    '/storage/lora-datasets/a%00b',
    '/storage/lora-datasets//escape.txt',
    '/storage/lora-datasets/./escape.txt',
    '/storage/lora-datasets/%E0%A4%A',
    '/storage/../escape.txt',
    '/storage/lora-datasets',
  ])('refuses the path %s', async (path) => {
    for (const method of ['GET', 'PUT']) {
      const res = await rawRequest(method, `${path}?X-Expires=9999999999&X-Signature=${'0'.repeat(64)}`);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'INVALID_PATH' } });
    }
    await expect(stat(join(root, 'escape.txt'))).rejects.toThrow();
    await expect(stat(join(root, '..', 'escape.txt'))).rejects.toThrow();
  });

  it('answers 404 for an unknown bucket or a missing object, 405 for other methods', async () => {
    const missing = await storage.createDownloadUrl('datasets', newPath(), { expiresInSeconds: 60 });
    const get = await fetch(missing.url);
    expect(get.status).toBe(404);
    expect(await errorCode(get)).toBe('NOT_FOUND');

    const unknown = await rawRequest('GET', '/storage/other-bucket/a/b.json?X-Signature=x');
    expect(unknown.status).toBe(404);

    const del = await fetch(missing.url, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD, PUT');
    expect(await errorCode(del)).toBe('METHOD_NOT_ALLOWED');
  });

  it('leaves other routes alone', async () => {
    const res = await fetch(`${baseUrl}/graphql`);
    expect(await res.text()).toBe('not storage');
  });
});

describe('local storage on the server side', () => {
  it('writes a multi-megabyte stream, returning its size and sha256', async () => {
    const path = newPath('adapter_model.safetensors');
    const hash = createHash('sha256');
    let size = 0;
    async function* generate() {
      for (let i = 0; i < 40; i++) {
        const part = randomBytes(100_000 + i * 1000);
        hash.update(part);
        size += part.length;
        yield part;
      }
    }
    const result = await storage.write('models', path, Readable.from(generate()), { contentType: 'application/octet-stream' });
    expect(result).toEqual({ size, sha256: hash.digest('hex') });
    expect(size).toBeGreaterThan(4 * MB);
    expect(await storage.stat('models', path)).toEqual({ size, contentType: 'application/octet-stream' });

    const read = createHash('sha256');
    for await (const part of await storage.openRead('models', path)) read.update(part as Buffer);
    expect(read.digest('hex')).toBe(result.sha256);
  });

  it('refuses a write over the bucket limit and keeps nothing', async () => {
    const path = newPath();
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 5; i++) yield randomBytes(MB);
      })(),
    );
    await expect(storage.write('datasets', path, body, { contentType: JSONL })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(await filesUnder(path)).toEqual([]);
  });

  it('returns null for a missing object, NOT_FOUND when reading it, and deletes quietly', async () => {
    const path = newPath();
    expect(await storage.stat('datasets', path)).toBeNull();
    await expect(storage.openRead('datasets', path)).rejects.toBeInstanceOf(StorageError);
    await expect(storage.openRead('datasets', path)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await storage.delete('datasets', path);

    await storage.write('datasets', path, Readable.from([Buffer.from('{}\n')]), { contentType: JSONL });
    expect(await storage.stat('datasets', path)).toEqual({ size: 3, contentType: JSONL });
    await storage.delete('datasets', path);
    expect(await storage.stat('datasets', path)).toBeNull();
  });

  it('refuses unsafe paths in every method', async () => {
    for (const path of ['../x', 'a/../../x', '/etc/passwd', 'a\\b', '']) {
      await expect(storage.stat('datasets', path)).rejects.toMatchObject({ code: 'INVALID_PATH' });
      await expect(uploadUrl(path, 1)).rejects.toMatchObject({ code: 'INVALID_PATH' });
      await expect(storage.delete('datasets', path)).rejects.toMatchObject({ code: 'INVALID_PATH' });
      await expect(storage.deleteFolder('datasets', path)).rejects.toMatchObject({ code: 'INVALID_PATH' });
    }
  });

  it("deletes a folder's objects and their metadata, and nothing beside it", async () => {
    const owner = randomUUID();
    const [folder, sibling] = [objectFolder(owner, randomUUID()), objectFolder(owner, randomUUID())];
    const write = (path: string) => storage.write('models', path, Readable.from([Buffer.from('{}\n')]), { contentType: JSONL });
    for (const name of ['a.json', 'b.json']) await write(`${folder}/${name}`);
    await write(`${sibling}/a.json`);
    await storage.deleteFolder('models', folder);
    expect(await storage.stat('models', `${folder}/a.json`)).toBeNull();
    expect(await storage.stat('models', `${folder}/b.json`)).toBeNull();
    expect(await storage.stat('models', `${sibling}/a.json`)).toEqual({ size: 3, contentType: JSONL });
    await expect(readdir(join(root, '.meta', 'lora-models', folder))).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.deleteFolder('models', folder); // a missing folder is not an error
  });
});

function flipLastHex(hex: string): string {
  return hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
}
