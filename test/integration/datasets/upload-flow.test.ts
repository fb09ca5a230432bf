// The dataset flow over real HTTP and graphql-ws, and every kind of bad input
// it must survive with a clear typed error or an exact validation result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import { graphql } from '../../gql/index.js';
import { startTestApp, wsCollect, type TestApp } from '../../helpers/app.js';
import { ofType } from '../../helpers/graphql-client.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { brightrunExample, chatExample, CONFIRM_UPLOAD, createDatasetFor, CREATE_DATASET, DATASET_UPDATED, jsonl, put, uploadDataset } from '../../helpers/datasets.js';

let t: TestApp;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestApp({ MAX_DATASET_BYTES: String(2 * 1024 * 1024) });
  alice = await createUser(t);
});
afterAll(() => t?.stop());

const DATASET = graphql(`query UploadFlowDataset($id: ID!) { dataset(id: $id) { id } }`);
const DELETE = graphql(`mutation UploadFlowDelete($id: ID!) { deleteDataset(id: $id) { __typename ... on DatasetPayload { dataset { deletedAt } } } }`);
const TO_DELETE = graphql(`query UploadFlowToDelete { datasets(first: 100, filter: { search: "to delete" }) { totalCount } }`);

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function validated(id: string, token = alice.token) {
  const events = await wsCollect(t.ws(token), DATASET_UPDATED, { id }, (r) => ['READY', 'INVALID'].includes(r.at(-1)?.datasetUpdated.status ?? ''));
  return events.at(-1)!.datasetUpdated;
}

describe('upload → confirm → validation pushed over graphql-ws', () => {
  it.each([
    ['CHAT_JSONL', chatExample],
    ['BRIGHTRUN_LORA_V4', brightrunExample],
  ] as const)('%s ends READY with correct statistics', async (format, example) => {
    const id = await uploadDataset(t, alice.token, jsonl(range(25).map(example)), { format });
    const dataset = await validated(id);
    expect(dataset.status).toBe('READY');
    expect(dataset.statistics?.examples).toBe(25);
    expect(dataset.statistics?.trainingPairs).toBe(25);
    expect(dataset.statistics?.roleCounts).toEqual({ system: 25, user: 25, assistant: 25 });
    expect(dataset.statistics?.totalTokens).toBeGreaterThan(25 * 20);
    expect(dataset.validation?.tokenCountsExact).toBe(true);
    expect(dataset.validation?.errorCount).toBe(0);
  });

  it('gives the same statistics for the same content in both formats', async () => {
    const chat = await validated(await uploadDataset(t, alice.token, jsonl(range(12).map(chatExample))));
    const bright = await validated(await uploadDataset(t, alice.token, jsonl(range(12).map(brightrunExample)), { format: 'BRIGHTRUN_LORA_V4' }));
    expect(bright.statistics).toEqual(chat.statistics);
  });

  it('creates one DATASET_VALIDATED notification', async () => {
    const bob = await createUser(t);
    await validated(await uploadDataset(t, bob.token, jsonl(range(10).map(chatExample))), bob.token);
    const notifications = await db.notification.findMany({ where: { ownerId: bob.id } });
    expect(notifications.map((n) => [n.type, n.link?.startsWith('/datasets/')])).toEqual([['DATASET_VALIDATED', true]]);
    expect(notifications[0]!.message).toMatch(/^10 examples, \d[\d,]* tokens\.$/);
  });

  it('counts in words a person reads: "1 error", not "1 error(s)"', async () => {
    const carol = await createUser(t);
    const lines = range(11).map(chatExample);
    lines[2] = '{"messages": [';
    await validated(await uploadDataset(t, carol.token, jsonl(lines)), carol.token);
    const [note] = await db.notification.findMany({ where: { ownerId: carol.id } });
    expect(note).toMatchObject({ type: 'DATASET_INVALID', message: '1 error found. The dataset page lists each one with its line.' });
  });
});

describe('bad files end INVALID with every problem, line and code', () => {
  it('reports five kinds of errors on known lines, and only those', async () => {
    const lines = range(20).map(chatExample);
    lines[2] = '{"messages": [{"role": "user", "content": "unterminated"'; // line 3: not JSON
    lines[5] = JSON.stringify({
      messages: [
        { role: 'robot', content: 'hi' },
        { role: 'assistant', content: 'ok' },
      ],
    }); // line 6: role
    lines[8] = JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] }); // line 9: no assistant
    lines[11] = JSON.stringify({
      messages: [
        { role: 'user', content: '' },
        { role: 'assistant', content: 'ok' },
      ],
    }); // line 12: empty content
    lines[14] = JSON.stringify({ text: 'no messages key' }); // line 15: missing key
    const dataset = await validated(await uploadDataset(t, alice.token, jsonl(lines)));
    expect(dataset.status).toBe('INVALID');
    const errors = dataset.validation?.issues.filter((i) => i.severity === 'ERROR').map((i) => [i.line, i.code]);
    expect(errors).toEqual([
      [3, 'INVALID_JSON'],
      [6, 'INVALID_ROLE'],
      [9, 'NO_ASSISTANT_MESSAGE'],
      [12, 'EMPTY_CONTENT'],
      [15, 'MISSING_FIELD'],
    ]);
    expect(dataset.statistics?.examples).toBe(15);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'EMPTY_FILE'],
    ['a file that is not JSON at all', Buffer.from('this is,not\njson at all\n'.repeat(10)), 'INVALID_JSON'],
    ['invalid UTF-8', Buffer.concat([jsonl(range(10).map(chatExample)), Buffer.from([0xff, 0xfe, 0x0a])]), 'INVALID_UTF8'],
    ['fewer than 10 examples', jsonl(range(3).map(chatExample)), 'TOO_FEW_EXAMPLES'],
    ['the wrong format declared', jsonl(range(12).map(brightrunExample)), 'WRONG_FORMAT'],
  ])('%s', async (_name, file, code) => {
    if (file.length === 0) {
      // An empty file cannot be declared (fileSize must be at least 1): it is refused at create.
      const res = await t.gql(CREATE_DATASET, { input: { name: 'empty', fileName: 'e.jsonl', fileSize: 0, contentType: 'application/jsonl' } }, alice.token);
      expect(res.body.data?.createDataset.__typename).toBe('InvalidInputError');
      return;
    }
    const dataset = await validated(await uploadDataset(t, alice.token, file));
    expect(dataset.status).toBe('INVALID');
    expect(dataset.validation?.countsByCode.map((c) => c.code)).toContain(code);
  });
});

describe('bad requests get typed errors and change nothing', () => {
  it('refuses a declared size over the limit at create', async () => {
    const res = await t.gql(CREATE_DATASET, { input: { name: 'big', fileName: 'b.jsonl', fileSize: 3 * 1024 * 1024, contentType: 'application/jsonl' } }, alice.token);
    expect(ofType(res.body.data?.createDataset, 'InvalidInputError').problems[0]?.path).toEqual(['fileSize']);
  });

  it('cuts off an upload bigger than declared and keeps nothing', async () => {
    const file = jsonl(range(10).map(chatExample));
    const { dataset, upload } = await createDatasetFor(t, alice.token, file);
    const res = await put(upload, Buffer.concat([file, Buffer.alloc(5000, 0x20)])).catch((err) => ({ status: 0, err }));
    expect([0, 413]).toContain(res.status);
    const confirmed = await t.gql(CONFIRM_UPLOAD, { id: dataset.id }, alice.token);
    expect(confirmed.body.data?.confirmDatasetUpload.__typename).toBe('UploadMissingError');
  });

  it('says when the uploaded size does not match the declared one', async () => {
    const file = jsonl(range(10).map(chatExample));
    const { dataset, upload } = await createDatasetFor(t, alice.token, file, { fileSize: file.length + 10 });
    expect((await put(upload, file)).status).toBe(200);
    const confirmed = await t.gql(CONFIRM_UPLOAD, { id: dataset.id }, alice.token);
    expect(confirmed.body.data?.confirmDatasetUpload.__typename).toBe('UploadSizeMismatchError');
  });

  it('refuses confirming before uploading', async () => {
    const { dataset } = await createDatasetFor(t, alice.token, jsonl(range(10).map(chatExample)));
    const confirmed = await t.gql(CONFIRM_UPLOAD, { id: dataset.id }, alice.token);
    expect(confirmed.body.data?.confirmDatasetUpload.__typename).toBe('UploadMissingError');
  });

  it('refuses a tampered or expired upload URL', async () => {
    const file = jsonl(range(10).map(chatExample));
    const { upload } = await createDatasetFor(t, alice.token, file);
    const tampered = { ...upload, url: upload.url.replace(/X-Max-Bytes=\d+/, 'X-Max-Bytes=99999999') };
    expect((await put(tampered, file)).status).toBe(403);
    const expired = { ...upload, url: upload.url.replace(/X-Expires=\d+/, 'X-Expires=1000') };
    expect((await put(expired, file)).status).toBe(403);
  });

  it("treats someone else's dataset as one that does not exist", async () => {
    const bob = await createUser(t);
    const id = await uploadDataset(t, alice.token, jsonl(range(10).map(chatExample)));
    expect((await t.gql(DATASET, { id }, bob.token)).body.data?.dataset).toBeNull();
    expect((await t.gql(CONFIRM_UPLOAD, { id }, bob.token)).body.data?.confirmDatasetUpload.__typename).toBe('NotFoundError');
    const del = await t.gql(DELETE, { id }, bob.token);
    expect(del.body.data?.deleteDataset.__typename).toBe('NotFoundError');
    const sub = await wsCollect(t.ws(bob.token), DATASET_UPDATED, { id }, () => true).catch((err) => err);
    expect(String(sub.message ?? sub)).toMatch(/not found/i);
    expect((await t.gql(DATASET, { id }, alice.token)).body.data?.dataset?.id).toBe(id);
  });

  it('returns the same dataset for a retried request with the same idempotency key', async () => {
    const file = jsonl(range(10).map(chatExample));
    const first = await createDatasetFor(t, alice.token, file, { idempotencyKey: 'retry-me' });
    const again = await createDatasetFor(t, alice.token, file, { idempotencyKey: 'retry-me' });
    expect(again.dataset.id).toBe(first.dataset.id);
  });

  it('soft-deletes a dataset: gone from the list and from dataset(id)', async () => {
    const id = await uploadDataset(t, alice.token, jsonl(range(10).map(chatExample)), { name: 'to delete' });
    const del = await t.gqlData(DELETE, { id }, alice.token);
    expect(ofType(del.deleteDataset, 'DatasetPayload').dataset.deletedAt).toBeTruthy();
    expect((await t.gql(DATASET, { id }, alice.token)).body.data?.dataset).toBeNull();
    const list = await t.gqlData(TO_DELETE, {}, alice.token);
    expect(list.datasets.totalCount).toBe(0);
  });
});
