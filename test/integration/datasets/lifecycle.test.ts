// A dataset's file lives from createDataset until the sweep removes it: deleted datasets lose their file after
// the grace period, unconfirmed uploads expire, a late upload to a deleted dataset's URL does not stay, and
// per-user quotas refuse new datasets with a typed error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import { expireUploads, removeDeletedFiles } from '../../../server/datasets/lifecycle.js';
import { sweepDatasetsJob } from '../../../server/queue/definitions.js';
import type { CreateDatasetInput } from '../../gql/graphql.js';
import { graphql } from '../../gql/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { CONFIRM_UPLOAD, chatExample, createDatasetFor, jsonl, put, uploadDataset } from '../../helpers/datasets.js';
import { createUser } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';
import { rawId, until } from '../../helpers/processes.js';

let t: TestApp;
const GRACE = 600;
const EXPIRY = 3600;
const file = jsonl([chatExample(1), chatExample(2)]);
const later = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

beforeAll(async () => {
  t = await startTestApp({
    DATASET_DELETE_GRACE_SECONDS: String(GRACE),
    DATASET_UPLOAD_EXPIRY_SECONDS: String(EXPIRY),
    MAX_DATASETS_PER_USER: '3',
    MAX_CONCURRENT_UPLOADS_PER_USER: '2',
    MAX_DATASET_STORAGE_PER_USER: '100000',
  });
});
afterAll(() => t?.stop());

const DELETE = graphql(`mutation LifecycleDelete($id: ID!) { deleteDataset(id: $id) { __typename } }`);
const CREATE = graphql(`
  mutation LifecycleCreate($input: CreateDatasetInput!) {
    createDataset(input: $input) {
      __typename
      ... on CreateDatasetPayload { dataset { id } upload { url } }
      ... on QuotaExceededError { message exceeded { quota limit used } }
    }
  }
`);
const DATASET = graphql(`query LifecycleDataset($id: ID!) { dataset(id: $id) { id } }`);
const QUOTAS = graphql(`query LifecycleQuotas { me { datasetQuotas { quota limit used } } }`);
const input = (fileSize: number, extra: Partial<CreateDatasetInput> = {}) => ({ input: { name: 'd', fileName: 'a.jsonl', fileSize, contentType: 'application/jsonl', ...extra } });

async function storedFile(globalId: string) {
  const row = await db.dataset.findUniqueOrThrow({ where: { id: rawId(globalId) } });
  return { row, object: await t.app.services.storage.stat('datasets', row.storagePath) };
}

describe('dataset lifecycle', () => {
  // Time is moved by backdating one row, never by sweeping "in the future": other tests share the database.
  const backdate = (globalId: string, field: 'createdAt' | 'deletedAt', seconds: number) =>
    db.dataset.update({ where: { id: rawId(globalId) }, data: { [field]: later(new Date(), -seconds) } });

  it("removes a deleted dataset's file after the grace period, not before", async () => {
    const alice = await createUser(t);
    const id = await uploadDataset(t, alice.token, file);
    expect((await t.gql(DELETE, { id }, alice.token)).body.data?.deleteDataset.__typename).toBe('DatasetPayload');

    await backdate(id, 'deletedAt', GRACE - 30);
    await removeDeletedFiles(t.app.services);
    expect((await storedFile(id)).object?.size).toBe(file.length);
    expect((await storedFile(id)).row.fileRemovedAt).toBeNull();

    await backdate(id, 'deletedAt', GRACE + 1);
    await removeDeletedFiles(t.app.services);
    const after = await storedFile(id);
    expect(after.object).toBeNull();
    expect(after.row.fileRemovedAt).not.toBeNull();
  });

  it('keeps sweeping a dataset deleted while uploading until its upload URL can no longer store a file', async () => {
    const bob = await createUser(t);
    const { dataset, upload } = await createDatasetFor(t, bob.token, file);
    await t.gql(DELETE, { id: dataset.id }, bob.token);
    // The URL still works after deletion (a bucket cannot be told otherwise): the file lands...
    expect((await put(upload, file)).ok).toBe(true);
    expect((await storedFile(dataset.id)).object).not.toBeNull();
    // ...and the sweep removes it, without marking the dataset done while the window is open.
    await backdate(dataset.id, 'deletedAt', GRACE + 1);
    await removeDeletedFiles(t.app.services);
    expect((await storedFile(dataset.id)).object).toBeNull();
    expect((await storedFile(dataset.id)).row.fileRemovedAt).toBeNull();
    // Once the window has closed the dataset is done.
    await backdate(dataset.id, 'createdAt', EXPIRY + 1);
    await removeDeletedFiles(t.app.services);
    expect((await storedFile(dataset.id)).row.fileRemovedAt).not.toBeNull();
  });

  it('expires an upload not confirmed in time: the dataset is gone, its file swept, a retry gets no URL', async () => {
    const carol = await createUser(t);
    const { dataset, upload } = await createDatasetFor(t, carol.token, file, { idempotencyKey: 'expiring-upload' });
    await put(upload, file);

    await backdate(dataset.id, 'createdAt', EXPIRY - 30);
    await expireUploads(t.app.services);
    expect((await storedFile(dataset.id)).row.deletedAt).toBeNull();
    // Past the window a retried createDataset signs no URL, even before the sweep.
    await backdate(dataset.id, 'createdAt', EXPIRY + 1);
    const retry = await t.gql(CREATE, input(file.length, { idempotencyKey: 'expiring-upload' }), carol.token);
    expect(retry.body.data?.createDataset).toMatchObject({ dataset: { id: dataset.id }, upload: null });

    await expireUploads(t.app.services);
    expect((await storedFile(dataset.id)).row.deletedAt).not.toBeNull();
    expect((await t.gql(DATASET, { id: dataset.id }, carol.token)).body.data?.dataset).toBeNull();
    expect((await t.gql(CONFIRM_UPLOAD, { id: dataset.id }, carol.token)).body.data?.confirmDatasetUpload.__typename).toBe('NotFoundError');

    await backdate(dataset.id, 'deletedAt', GRACE + 1);
    await removeDeletedFiles(t.app.services);
    const after = await storedFile(dataset.id);
    expect(after.object).toBeNull();
    expect(after.row.fileRemovedAt).not.toBeNull();
  });

  it('restarts a validation that stopped moving when the upload is confirmed again', async () => {
    const dan = await createUser(t);
    const id = await uploadDataset(t, dan.token, file);
    await until('the validation to end', async () => (await storedFile(id)).row.validatedAt !== null, 20_000);
    const validated = (await storedFile(id)).row;
    // As if its queue job had been lost: VALIDATING with nothing queued.
    await db.dataset.update({ where: { id: rawId(id) }, data: { status: 'VALIDATING', validatedAt: null } });
    expect(ofType((await t.gqlData(CONFIRM_UPLOAD, { id }, dan.token)).confirmDatasetUpload, 'DatasetPayload').dataset.status).toBe('VALIDATING');
    await until('the validation to end', async () => (await storedFile(id)).row.validatedAt !== null, 20_000);
    expect((await storedFile(id)).row.status).toBe(validated.status);
  });

  it('runs the sweep as a pg-boss job scheduled every minute', async () => {
    const schedules = await t.app.services.jobs.boss.getSchedules(sweepDatasetsJob.name);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ cron: '* * * * *', timezone: 'UTC' });
  });
});

describe('dataset quotas', () => {
  it('lets at most MAX_CONCURRENT_UPLOADS_PER_USER uploads run at once, however fast they are asked for', async () => {
    const dan = await createUser(t);
    const results = await Promise.all(Array.from({ length: 8 }, () => t.gqlData(CREATE, input(10), dan.token)));
    const kinds = results.map((r) => r.createDataset.__typename);
    expect(kinds.filter((k) => k === 'CreateDatasetPayload')).toHaveLength(2);
    const refused = results.map((r) => r.createDataset).filter((r) => r.__typename === 'QuotaExceededError');
    expect(refused).toHaveLength(6);
    expect(refused[0]?.exceeded).toEqual([{ quota: 'CONCURRENT_UPLOADS', limit: 2, used: 2 }]);
    expect(refused[0]?.message).toMatch(/uploads in progress/);

    // Another user is not affected; a deleted upload frees its place.
    const erin = await createUser(t);
    expect((await t.gql(CREATE, input(10), erin.token)).body.data?.createDataset.__typename).toBe('CreateDatasetPayload');
    const held = results.map((r) => r.createDataset).find((r) => r.__typename === 'CreateDatasetPayload')!;
    await t.gql(DELETE, { id: ofType(held, 'CreateDatasetPayload').dataset.id }, dan.token);
    expect((await t.gql(CREATE, input(10), dan.token)).body.data?.createDataset.__typename).toBe('CreateDatasetPayload');
  });

  it('refuses a dataset past the storage and count quotas, naming every quota it would exceed', async () => {
    const fay = await createUser(t);
    await uploadDataset(t, fay.token, file);
    await uploadDataset(t, fay.token, file);
    const big = await t.gqlData(CREATE, input(100_000), fay.token);
    expect(ofType(big.createDataset, 'QuotaExceededError').exceeded).toEqual([{ quota: 'DATASET_BYTES', limit: 100_000, used: 2 * file.length }]);
    await uploadDataset(t, fay.token, file);
    const both = await t.gqlData(CREATE, input(100_000), fay.token);
    expect(ofType(both.createDataset, 'QuotaExceededError').exceeded.map((q) => q.quota)).toEqual(['DATASETS', 'DATASET_BYTES']);

    const usage = await t.gqlData(QUOTAS, {}, fay.token);
    expect(usage.me.datasetQuotas).toEqual([
      { quota: 'DATASETS', limit: 3, used: 3 },
      { quota: 'DATASET_BYTES', limit: 100_000, used: 3 * file.length },
      { quota: 'CONCURRENT_UPLOADS', limit: 2, used: 0 },
    ]);
  });
});
