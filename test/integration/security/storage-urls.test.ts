// Signed storage URLs through the real server's /storage route, as the API
// hands them out: a URL with its path, size, expiry or signature changed is
// refused and stores or serves nothing, an expired one is refused, and another
// user's URL cannot be pointed at someone's objects. The handler's own rules
// (path traversal, streaming limits) are unit-tested in test/unit/storage/local.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import { graphql } from '../../gql/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { CONFIRM_UPLOAD, createDatasetFor, put } from '../../helpers/datasets.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';
import { storedModel } from '../../helpers/models.js';
import { readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
/** Alice's READY dataset file and her model's files, as stored. */
let datasetPath: string;
let modelFiles: { name: string; url: string; sha256: string; storagePath: string }[];

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const DOWNLOAD = graphql(`
  mutation StorageUrlsDownload($id: ID!) { createModelDownload(id: $id) { __typename ... on ModelDownloadPayload { files { name url sha256 } } } }
`);

beforeAll(async () => {
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' });
  [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
  const datasetId = await readyDataset(t, alice.token);
  datasetPath = (await db.dataset.findUniqueOrThrow({ where: { id: rawId(datasetId) } })).storagePath;
  const model = await storedModel(t, alice.token, { datasetId });
  const download = ofType((await t.gqlData(DOWNLOAD, { id: model.modelId }, alice.token)).createModelDownload, 'ModelDownloadPayload');
  const stored = await db.artifactFile.findMany({ where: { artifactId: rawId(model.modelId) } });
  modelFiles = download.files.map((f) => ({ ...f, storagePath: stored.find((s) => s.name === f.name)!.storagePath }));
}, 180_000);
afterAll(() => t?.stop());

/** The URL with one thing changed. */
function tampered(url: string, change: (u: URL) => void): string {
  const u = new URL(url);
  change(u);
  return u.toString();
}

const flipLastHex = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
const objectUrl = (bucket: string, path: string) => (u: URL) => (u.pathname = `/storage/${bucket}/${path}`);

async function refusal(res: Response) {
  return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
}

/** Hash of an object as stored, or null when there is none. */
async function storedHash(bucket: 'datasets' | 'models', path: string): Promise<string | null> {
  if (!(await t.app.services.storage.stat(bucket, path))) return null;
  const hash = createHash('sha256');
  for await (const chunk of await t.app.services.storage.openRead(bucket, path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sleepUntil(time: Date) {
  await new Promise((r) => setTimeout(r, time.getTime() - Date.now() + 50));
}

describe('upload URLs from createDataset', () => {
  const file = randomBytes(2000);

  it.each([
    ['signature', (u: URL) => u.searchParams.set('X-Signature', flipLastHex(u.searchParams.get('X-Signature')!))],
    ['missing signature', (u: URL) => u.searchParams.delete('X-Signature')],
    ['path (another file in the folder)', (u: URL) => (u.pathname = u.pathname.replace('dataset.jsonl', 'other.jsonl'))],
    ['path (her READY dataset)', (u: URL) => objectUrl('lora-datasets', datasetPath)(u)],
    ['size', (u: URL) => u.searchParams.set('X-Max-Bytes', String(10 * file.length))],
    ['expiry', (u: URL) => u.searchParams.set('X-Expires', String(Number(u.searchParams.get('X-Expires')) + 7 * 24 * 3600))],
    ['content type', (u: URL) => u.searchParams.set('X-Content-Type', 'text/html')],
  ])('refuses one with a changed %s, storing nothing; the URL as given still works', async (_name, change) => {
    const readyBefore = await storedHash('datasets', datasetPath);
    const { dataset, upload } = await createDatasetFor(t, alice.token, file);
    const url = tampered(upload.url, change);
    const res = await fetch(url, { method: 'PUT', headers: { 'Content-Type': new URL(url).searchParams.get('X-Content-Type') ?? '' }, body: new Uint8Array(file) });
    expect(await refusal(res)).toEqual({ status: 403, code: 'SIGNATURE_INVALID' });
    expect((await t.gql(CONFIRM_UPLOAD, { id: dataset.id }, alice.token)).body.data?.confirmDatasetUpload.__typename).toBe('UploadMissingError');
    expect(await storedHash('datasets', datasetPath)).toBe(readyBefore);

    expect((await put(upload, file)).status).toBe(200);
  });

  it('refuses more bytes than the dataset declared', async () => {
    const { dataset, upload } = await createDatasetFor(t, alice.token, file);
    const res = await put(upload, Buffer.concat([file, randomBytes(1000)]));
    expect(await refusal(res)).toEqual({ status: 413, code: 'TOO_LARGE' });
    expect((await t.gql(CONFIRM_UPLOAD, { id: dataset.id }, alice.token)).body.data?.confirmDatasetUpload.__typename).toBe('UploadMissingError');
  });

  it('refuses one past its expiry', async () => {
    const { dataset } = await createDatasetFor(t, alice.token, file);
    const { storagePath } = await db.dataset.findUniqueOrThrow({ where: { id: rawId(dataset.id) } });
    // Signed the way createDataset signs, for one second instead of an hour.
    const upload = await t.app.services.storage.createUploadUrl('datasets', storagePath, { contentType: 'application/jsonl', size: file.length, expiresInSeconds: 1 });
    await sleepUntil(upload.expiresAt);
    expect(await refusal(await put(upload, file))).toEqual({ status: 403, code: 'URL_EXPIRED' });
    expect(await storedHash('datasets', storagePath)).toBeNull();
  });

  it("cannot be pointed by another user at someone's objects", async () => {
    const before = await Promise.all([storedHash('datasets', datasetPath), ...modelFiles.map((f) => storedHash('models', f.storagePath))]);
    const { upload } = await createDatasetFor(t, bob.token, file);
    const targets = [objectUrl('lora-datasets', datasetPath), ...modelFiles.map((f) => objectUrl('lora-models', f.storagePath))];
    for (const target of targets) {
      const res = await put({ ...upload, url: tampered(upload.url, target) }, file);
      expect(await refusal(res)).toEqual({ status: 403, code: 'SIGNATURE_INVALID' });
    }
    expect(await Promise.all([storedHash('datasets', datasetPath), ...modelFiles.map((f) => storedHash('models', f.storagePath))])).toEqual(before);
    expect((await put(upload, file)).status).toBe(200);
  });
});

describe('download URLs from createModelDownload', () => {
  const card = () => modelFiles.find((f) => f.name === 'README.md')!;
  const other = () => modelFiles.find((f) => f.name === 'adapter_model.safetensors')!;

  it.each([
    ['signature', (u: URL) => u.searchParams.set('X-Signature', flipLastHex(u.searchParams.get('X-Signature')!))],
    ['missing signature', (u: URL) => u.searchParams.delete('X-Signature')],
    ['path (another file of the model)', (u: URL) => objectUrl('lora-models', other().storagePath)(u)],
    ['path (her dataset, in the other bucket)', (u: URL) => objectUrl('lora-datasets', datasetPath)(u)],
    ['expiry', (u: URL) => u.searchParams.set('X-Expires', String(Number(u.searchParams.get('X-Expires')) + 7 * 24 * 3600))],
    ['download name', (u: URL) => u.searchParams.set('X-Download-Name', 'adapter_model.safetensors')],
  ])('refuses one with a changed %s; the URL as given still works', async (_name, change) => {
    const res = await fetch(tampered(card().url, change));
    expect(await refusal(res)).toEqual({ status: 403, code: 'SIGNATURE_INVALID' });
    const ok = await fetch(card().url);
    expect(ok.status).toBe(200);
    expect(sha256(new Uint8Array(await ok.arrayBuffer()))).toBe(card().sha256);
  });

  it('refuses one past its expiry', async () => {
    // Signed the way createModelDownload signs, for one second instead of a day.
    const download = await t.app.services.storage.createDownloadUrl('models', card().storagePath, { expiresInSeconds: 1, downloadName: 'README.md' });
    await sleepUntil(download.expiresAt);
    expect(await refusal(await fetch(download.url))).toEqual({ status: 403, code: 'URL_EXPIRED' });
  });

  it('cannot overwrite the file it reads', async () => {
    const res = await fetch(card().url, { method: 'PUT', headers: { 'Content-Type': 'text/markdown' }, body: 'overwritten' });
    expect(await refusal(res)).toEqual({ status: 403, code: 'SIGNATURE_INVALID' });
    expect(await storedHash('models', card().storagePath)).toBe(card().sha256);
  });
});
