// "Download all": createModelDownload's archive is one tar of every file of the model, in a folder named
// after it, each file byte for byte what Model.files lists (size and sha256); made once, then served again.
// Another user's model is not found.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';
import { graphql } from '../../gql/index.js';
import { storedModel, type StoredModel } from '../../helpers/models.js';
import { readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
let model: StoredModel;

beforeAll(async () => {
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' });
  [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
  model = await storedModel(t, alice.token, { datasetId: await readyDataset(t, alice.token), name: 'Support bot, v2!' });
}, 120_000);
afterAll(() => t?.stop());

const DOWNLOAD = graphql(`
  mutation ModelArchiveDownload($id: ID!) {
    createModelDownload(id: $id) {
      __typename
      ... on ModelDownloadPayload { expiresAt archive { name url size contentType expiresAt } }
      ... on NotFoundError { type }
      ... on Error { message }
    }
  }
`);

const MODEL = graphql(`
  query ModelArchiveModel($id: ID!) {
    model(id: $id) { archiveName files { name size sha256 } }
  }
`);

/** The archive of alice's model, as createModelDownload signs it. */
async function download() {
  const res = await t.gqlData(DOWNLOAD, { id: model.modelId }, alice.token);
  return ofType(res.createModelDownload, 'ModelDownloadPayload').archive;
}

/** The entries of a ustar archive: path (prefix/name), size and bytes. */
function readTar(tar: Buffer): { path: string; size: number; bytes: Buffer }[] {
  const entries = [];
  const text = (from: number, length: number, at: number) =>
    tar
      .subarray(at + from, at + from + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    let sum = 0;
    header.forEach((byte, i) => {
      sum += i >= 148 && i < 156 ? 32 : byte;
    });
    expect(parseInt(text(148, 8, at), 8)).toBe(sum);
    expect(text(257, 6, at)).toBe('ustar');
    const size = parseInt(text(124, 12, at), 8);
    entries.push({ path: `${text(345, 155, at)}/${text(0, 100, at)}`, size, bytes: tar.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

describe('download all', () => {
  it("is one tar of every file in a folder named after the model, each matching the model's size and sha256", async () => {
    const archive = await download();
    const shown = (await t.gqlData(MODEL, { id: model.modelId }, alice.token)).model;
    if (!shown) throw new Error('the model is not found');
    const { archiveName, files } = shown;
    expect(archiveName).toBe('Support_bot_v2');
    expect(archive).toMatchObject({ name: 'Support_bot_v2.tar', contentType: 'application/x-tar' });

    const answer = await fetch(archive.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toContain('Support_bot_v2.tar');
    const tar = Buffer.from(await answer.arrayBuffer());
    expect(tar.length).toBe(archive.size);
    const entries = readTar(tar);
    expect(entries.map((e) => e.path)).toEqual(files.map((f) => `Support_bot_v2/${f.name}`));
    expect(entries.map((e) => [e.size, createHash('sha256').update(e.bytes).digest('hex')])).toEqual(files.map((f) => [f.size, f.sha256]));
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors', 'README.md']));
  });

  it('unpacks with the system tar', async () => {
    const archive = await download();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-archive-'));
    try {
      fs.writeFileSync(path.join(dir, archive.name), Buffer.from(await (await fetch(archive.url)).arrayBuffer()));
      execFileSync('tar', ['-xf', archive.name], { cwd: dir });
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'Support_bot_v2', 'adapter_config.json'), 'utf8'));
      expect(config.peft_type).toBe('LORA');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is made once: a second request signs the same stored archive', async () => {
    const archivePath = () => {
      const { storage } = t.config;
      assert(storage.driver === 'local');
      const folder = path.join(storage.localRoot, storage.buckets.models, alice.id);
      return fs
        .readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.tar'))
        .map((e) => path.join(e.parentPath, e.name));
    };
    const [stored] = archivePath();
    const before = fs.statSync(stored!).mtimeMs;
    await download();
    expect(archivePath()).toEqual([stored]);
    expect(fs.statSync(stored!).mtimeMs).toBe(before);
  });

  it("answers another user's model as not found and makes no archive for them", async () => {
    const res = await t.gqlData(DOWNLOAD, { id: model.modelId }, bob.token);
    expect(res.createModelDownload).toEqual({ __typename: 'NotFoundError', type: 'Model', message: 'Model was not found' });
    expect((await t.gqlData(MODEL, { id: model.modelId }, bob.token)).model).toBeNull();
  });
});
