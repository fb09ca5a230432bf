// POST /webhooks/gpu/<provider>/uploads: a trainer asks for signed upload URLs with its job's callback token.
// Only for that job, only while it is active, only plain file names within the models bucket's limit.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCallbackToken } from '../../../server/auth/tokens.js';
import { db } from '../../../server/db/client.js';
import { stagedPath } from '../../../server/training/trainer-uploads.js';
import { transitionJob } from '../../../server/training/transitions.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { jobRow, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let datasetId: string;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
const bytes = Buffer.from('{"r": 8}\n');
const file = (name = 'adapter_config.json', size = bytes.length) => ({ name, size, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: 'application/json' });

beforeAll(async () => {
  t = await startTestApp({ MAX_MODEL_FILE_BYTES: '1000000' });
  alice = await createUser(t);
  datasetId = rawId(await readyDataset(t, alice.token, 12));
});
afterAll(() => t?.stop());

async function job(status: 'RUNNING' | 'COMPLETED' | 'CANCELLED' = 'RUNNING') {
  return db.trainingJob.create({ data: { ...jobRow(alice.id, datasetId, status), externalJobId: `sim-${randomUUID()}` } });
}

async function ask(body: unknown, token?: string, provider = 'simulated') {
  const res = await fetch(`${t.url}/webhooks/gpu/${provider}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-callback-token': token } : {}) },
    body: JSON.stringify(body),
  });
  type Upload = { name: string; method: string; url: string; headers: Record<string, string> };
  // One upload per file asked for (at least one), or the error.
  return { status: res.status, body: (await res.json()) as { files: [Upload, ...Upload[]]; error: { code: string } } };
}

const tokenFor = (jobId: string, seconds = 600) => signCallbackToken(t.app.services.secret, jobId, seconds);

describe('trainer uploads', () => {
  it('signs a create-only PUT per file for an active job; the bytes land where the artifact job reads them', async () => {
    const running = await job();
    const res = await ask({ jobId: running.id, files: [file(), file('adapter_model.safetensors')] }, await tokenFor(running.id));
    expect(res.status).toBe(200);
    expect(res.body.files.map((f) => [f.name, f.method])).toEqual([
      ['adapter_config.json', 'PUT'],
      ['adapter_model.safetensors', 'PUT'],
    ]);
    const [upload] = res.body.files;
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(bytes) });
    expect(put.status).toBeLessThan(300);
    const stored = await t.app.services.storage.stat('models', stagedPath(running, 'adapter_config.json'));
    expect(stored?.size).toBe(bytes.length);
    // A second PUT to the same URL cannot replace it; asking again (a retried upload) can.
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(bytes) })).status).toBe(409);
    const again = await ask({ jobId: running.id, files: [file()] }, await tokenFor(running.id));
    expect((await fetch(again.body.files[0].url, { method: 'PUT', headers: again.body.files[0].headers, body: new Uint8Array(bytes) })).status).toBeLessThan(300);
    // The signed URL holds the size it was asked for.
    const other = await ask({ jobId: running.id, files: [file('training_args.json', 3)] }, await tokenFor(running.id));
    expect((await fetch(other.body.files[0].url, { method: 'PUT', headers: other.body.files[0].headers, body: new Uint8Array(bytes) })).status).toBe(413);
  });

  it('refuses a missing, forged or expired token, and a token of another job', async () => {
    const running = await job();
    const body = { jobId: running.id, files: [file()] };
    expect(await ask(body)).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_MISSING' } } });
    expect((await ask(body, 'not.a.jwt')).status).toBe(401);
    const forged = await signCallbackToken('another-secret-of-at-least-32-characters!!', running.id, 600);
    expect((await ask(body, forged)).status).toBe(401);
    expect(await ask(body, await tokenFor(running.id, -120))).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_EXPIRED' } } });
    const otherJob = await job();
    expect(await ask(body, await tokenFor(otherJob.id))).toMatchObject({ status: 403, body: { error: { code: 'WRONG_JOB' } } });
    expect((await ask({ jobId: randomUUID(), files: [file()] }, await tokenFor(running.id))).status).toBe(403);
  });

  it('answers 404 for an unknown job or another provider, and 409 once the job has ended', async () => {
    const unknown = randomUUID();
    expect((await ask({ jobId: unknown, files: [file()] }, await tokenFor(unknown))).status).toBe(404);
    const running = await job();
    expect((await ask({ jobId: running.id, files: [file()] }, await tokenFor(running.id), 'runpod')).status).toBe(404);
    for (const status of ['COMPLETED', 'CANCELLED'] as const) {
      const ended = await job(status);
      expect(await ask({ jobId: ended.id, files: [file()] }, await tokenFor(ended.id))).toMatchObject({ status: 409, body: { error: { code: 'JOB_FINISHED' } } });
    }
  });

  it('refuses names that are not plain file names, duplicates, bad shapes and files over the bucket limit', async () => {
    const running = await job();
    const token = await tokenFor(running.id);
    for (const name of ['../escape.json', 'dir/file.json', '.hidden', 'spa ce.json']) {
      const res = await ask({ jobId: running.id, files: [file(name)] }, token);
      expect(res.status, name).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
    }
    expect((await ask({ jobId: running.id, files: [file(), file()] }, token)).status).toBe(400);
    expect((await ask({ jobId: running.id, files: [] }, token)).status).toBe(400);
    expect((await ask({ jobId: running.id, files: [{ ...file(), sha256: 'xyz' }] }, token)).status).toBe(400);
    expect(await ask({ jobId: running.id, files: [file('adapter_model.safetensors', 2_000_000)] }, token)).toMatchObject({ status: 413, body: { error: { code: 'TOO_LARGE' } } });
    // Nothing was staged by any refused request.
    expect(await t.app.services.storage.stat('models', stagedPath(running, 'adapter_model.safetensors'))).toBeNull();
  });

  it("removes a job's staged uploads when it fails or is cancelled (only a completed run's are copied)", async () => {
    for (const to of ['FAILED', 'CANCELLED'] as const) {
      const running = await job();
      const res = await ask({ jobId: running.id, files: [file()] }, await tokenFor(running.id));
      const [upload] = res.body.files;
      expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(bytes) })).status).toBeLessThan(300);
      expect(await t.app.services.storage.stat('models', stagedPath(running, 'adapter_config.json'))).not.toBeNull();
      await transitionJob(t.app.services, running.id, to, { message: 'ended by the test' });
      expect(await t.app.services.storage.stat('models', stagedPath(running, 'adapter_config.json'))).toBeNull();
    }
  });
});
