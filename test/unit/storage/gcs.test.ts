// The GCS driver's signed URLs, checked offline: a throwaway service-account key signs locally and the test verifies it.
import { createHash, generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGcsStorage } from '../../../server/storage/gcs.js';
import { objectPath } from '../../../server/storage/index.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const clientEmail = 'uploader@test-project.iam.gserviceaccount.com';

const storage = createGcsStorage({
  driver: 'gcs',
  projectId: 'test-project',
  credentials: { client_email: clientEmail, private_key: privateKey },
  buckets: { datasets: 'lora-datasets', models: 'lora-models' },
  maxUploadBytes: { datasets: 500 * 1024 * 1024, models: 5 * 1024 ** 3 },
});

let connect: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  // Any TCP connection (http, https, fetch) goes through here; signing must not need one.
  connect = vi.spyOn(Socket.prototype, 'connect').mockImplementation(() => {
    throw new Error('network used');
  });
});
afterEach(() => {
  expect(connect).not.toHaveBeenCalled();
  vi.restoreAllMocks();
});

describe('gcs signed URLs', () => {
  it('signs a create-only upload for PUT with the content type and a length range the client must send', async () => {
    const path = objectPath(randomUUID(), randomUUID(), 'train.jsonl');
    const upload = await storage.createUploadUrl('datasets', path, {
      contentType: 'application/jsonl',
      size: 123_456,
      expiresInSeconds: 3600,
    });

    expect(upload.method).toBe('PUT');
    expect(upload.headers).toEqual({ 'Content-Type': 'application/jsonl', 'x-goog-content-length-range': '0,123456', 'x-goog-if-generation-match': '0' });
    const url = new URL(upload.url);
    expect(url.origin).toBe('https://storage.googleapis.com');
    expect(url.pathname).toBe(`/lora-datasets/${path}`);
    const q = url.searchParams;
    expect(q.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
    expect(q.get('X-Goog-Expires')).toBe('3600');
    expect(q.get('X-Goog-SignedHeaders')).toBe('content-type;host;x-goog-content-length-range;x-goog-if-generation-match');
    expect(q.get('X-Goog-Credential')).toMatch(new RegExp(`^${clientEmail}/\\d{8}/auto/storage/goog4_request$`));
    expect(signedAt(q.get('X-Goog-Date')!).getTime() + 3600_000).toBe(upload.expiresAt.getTime());

    const headers = { 'content-type': 'application/jsonl', host: url.host, 'x-goog-content-length-range': '0,123456', 'x-goog-if-generation-match': '0' };
    expect(signatureValid('PUT', url, headers)).toBe(true);
    // What GCS would see from a client that changed the type or widened the range: the signature no longer holds.
    expect(signatureValid('PUT', url, { ...headers, 'content-type': 'text/plain' })).toBe(false);
    expect(signatureValid('PUT', url, { ...headers, 'x-goog-content-length-range': '0,999999999' })).toBe(false);
    // Nor can it drop the create-only condition to replace a stored object.
    expect(signatureValid('PUT', url, { ...headers, 'x-goog-if-generation-match': '1234' })).toBe(false);
    expect(signatureValid('GET', url, headers)).toBe(false);
  });

  it('signs a 24 h download that names the file', async () => {
    const path = objectPath(randomUUID(), randomUUID(), 'adapter_model.safetensors');
    const download = await storage.createDownloadUrl('models', path, { expiresInSeconds: 86400, downloadName: 'my adapter.safetensors' });

    const url = new URL(download.url);
    expect(url.pathname).toBe(`/lora-models/${path}`);
    expect(url.searchParams.get('X-Goog-Expires')).toBe('86400');
    expect(url.searchParams.get('X-Goog-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('response-content-disposition')).toBe(`attachment; filename="my adapter.safetensors"; filename*=UTF-8''my%20adapter.safetensors`);
    expect(signatureValid('GET', url, { host: url.host })).toBe(true);
    expect(download.expiresAt.getTime() - Date.now()).toBeGreaterThan(86390_000);
  });

  it('refuses to sign an upload over the bucket limit or for an unsafe path', async () => {
    const path = objectPath(randomUUID(), randomUUID(), 'big.jsonl');
    const o = { contentType: 'application/jsonl', size: 500 * 1024 * 1024 + 1, expiresInSeconds: 3600 };
    await expect(storage.createUploadUrl('datasets', path, o)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(storage.createUploadUrl('datasets', '../other/x', { ...o, size: 1 })).rejects.toMatchObject({ code: 'INVALID_PATH' });
    await expect(storage.createDownloadUrl('datasets', 'a//b', { expiresInSeconds: 60 })).rejects.toMatchObject({ code: 'INVALID_PATH' });
  });
});

/** Rebuilds the V4 string to sign from the URL and the headers a client would send, and checks it with the public key. */
function signatureValid(method: string, url: URL, headers: Record<string, string>): boolean {
  const q = url.searchParams;
  const query = [...q.entries()]
    .filter(([key]) => key !== 'X-Goog-Signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)])
    .sort(([a], [b]) => (a! < b! ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const names = Object.keys(headers).sort();
  const canonicalRequest = [method, url.pathname, query, names.map((name) => `${name}:${headers[name]}\n`).join(''), names.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const credential = q.get('X-Goog-Credential')!;
  const stringToSign = ['GOOG4-RSA-SHA256', q.get('X-Goog-Date'), credential.slice(credential.indexOf('/') + 1), createHash('sha256').update(canonicalRequest).digest('hex')].join(
    '\n',
  );
  return verify('RSA-SHA256', Buffer.from(stringToSign), publicKey, Buffer.from(q.get('X-Goog-Signature')!, 'hex'));
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** "20250101T120000Z" as a Date. */
function signedAt(stamp: string): Date {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(stamp)!;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}
