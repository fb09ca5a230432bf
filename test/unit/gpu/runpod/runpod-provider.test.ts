// The RunPod provider against a local fake RunPod: /run body, status mapping, cancel, errors, webhooks, artifacts.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidCallbackError,
  ProviderRejectedError,
  ProviderUnavailableError,
  type GpuProvider,
  type ProviderArtifact,
  type ProviderEvent,
  type ProviderJobState,
  type ProviderMetricPoint,
  type ProviderStage,
} from '../../../../server/gpu/provider.js';
import { createRunpodProvider, isRunpodWebhookUrl, parseRunpodWebhook, RunpodOutputError, type RunpodSubmitRequest } from '../../../../server/gpu/runpod/client.js';
import { estimateTrainingMs, executionPolicy, QUEUE_ALLOWANCE_MS, RUNPOD_MAX_POLICY_MS } from '../../../../server/gpu/runpod/policy.js';
import { planRun } from '../../../../server/gpu/simulated/plan.js';
import { startReceiver, submitRequest, waitFor, type CallbackReceiver } from '../helpers.js';
import { startFakeRunpod, type FakeRunpod, type RunpodStatus } from './fake-runpod.js';

const API_KEY = 'rpa_TESTKEY0123456789abcdef';
const ENDPOINT_ID = 'abc123endpoint';

let fake: FakeRunpod;
let receiver: CallbackReceiver;
let provider: GpuProvider;

beforeAll(async () => {
  fake = await startFakeRunpod({ apiKey: API_KEY, endpointId: ENDPOINT_ID, webhookRetryMs: 20 });
  receiver = await startReceiver();
  provider = createRunpodProvider({ apiKey: API_KEY, endpointId: ENDPOINT_ID, baseUrl: fake.baseUrl, timeoutMs: 2000 });
});

afterAll(async () => {
  await fake.close();
  await receiver.close();
});

function runpodRequest(overrides: Partial<RunpodSubmitRequest> = {}): RunpodSubmitRequest {
  return submitRequest(receiver.url, { callbackUrl: `${receiver.url}/webhooks/gpu/runpod`, ...overrides });
}

async function submitted(): Promise<string> {
  return (await provider.submit(runpodRequest())).externalId;
}

function point(step: number): ProviderMetricPoint {
  return {
    step,
    epoch: step / 100,
    trainingLoss: 1.2,
    validationLoss: null,
    learningRate: 2e-4,
    gradNorm: 0.4,
    throughput: 9000,
    tokensTrained: step * 500,
    gpuUtilization: 0.93,
    recordedAt: new Date().toISOString(),
  };
}

/** What our trainer passes to runpod.serverless.progress_update. */
function progress(stage: ProviderStage, step: number) {
  return { stage, step, totalSteps: 200, epoch: step / 100, totalEpochs: 2, lastPoint: step > 0 ? point(step) : null };
}

function artifact(name: string, url = `https://bucket.example/${name}?X-Amz-Signature=abc`): ProviderArtifact {
  return { name, url, size: 10, sha256: 'a'.repeat(64), contentType: 'application/octet-stream' };
}

/** What our trainer returns when it is done. */
function result(artifacts = [artifact('adapter_config.json'), artifact('adapter_model.safetensors')]) {
  const summary = { finalTrainingLoss: 0.91 };
  return { step: 200, totalSteps: 200, epoch: 2, artifacts, summary, lastPoint: point(200) };
}

describe('submit', () => {
  it('sends the training spec, the completion webhook and an execution policy', async () => {
    const faults = { failAtStep: 3 };
    const req = runpodRequest({ datasetUrl: 'https://bucket.example/datasets/d1.jsonl?X-Amz-Signature=xyz', faults });
    const { externalId } = await provider.submit(req);

    const { body } = fake.runs.at(-1)!;
    expect(body.input).toEqual({
      jobId: req.jobId,
      callbackUrl: req.callbackUrl,
      callbackToken: req.callbackToken,
      artifactsUrl: req.artifactsUrl,
      datasetUrl: req.datasetUrl,
      datasetFormat: 'CHAT_JSONL',
      datasetTokens: req.datasetTokens,
      datasetExamples: req.datasetExamples,
      hyperparameters: req.hyperparameters,
      baseModel: req.baseModel,
      gpu: req.gpu,
    });
    expect(body.webhook).toBe(`${req.callbackUrl}?runpod=1`);
    expect(isRunpodWebhookUrl(new URL(body.webhook!))).toBe(true);
    expect(isRunpodWebhookUrl(new URL(req.callbackUrl))).toBe(false);
    expect(fake.job(externalId).status).toBe('IN_QUEUE');
  });

  it('gives RunPod more time than the training takes, and the queue some more', async () => {
    const req = runpodRequest({ datasetTokens: 20_000_000, datasetExamples: 40_000 });
    req.baseModel = { id: 'meta-llama/Llama-3.1-8B', parametersB: 8, hiddenSize: 4096, numLayers: 32 };
    await provider.submit(req);
    const { executionTimeout = 0, ttl = 0 } = fake.runs.at(-1)!.body.policy ?? {};

    // The simulator's realistic duration of the same run, for a second opinion on the estimate.
    const plan = planRun(req);
    const { step, provisioning, loadingModel } = plan.seconds;
    const realisticMs = 1000 * (plan.totalSteps * step + provisioning + loadingModel);
    expect(executionTimeout).toBeGreaterThanOrEqual(2 * estimateTrainingMs(req));
    expect(executionTimeout).toBeGreaterThan(2 * realisticMs);
    expect(ttl).toBe(executionTimeout + QUEUE_ALLOWANCE_MS);
  });

  it("keeps the policy within RunPod's limits", () => {
    const small = executionPolicy(runpodRequest({ datasetTokens: 1000, datasetExamples: 4 }));
    expect(small.executionTimeout).toBeGreaterThan(5000);
    expect(small.ttl).toBeGreaterThanOrEqual(10_000);

    const larger = executionPolicy(runpodRequest({ datasetTokens: 500_000_000, datasetExamples: 1_000_000 }));
    expect(larger.executionTimeout).toBeGreaterThan(small.executionTimeout);

    const huge = executionPolicy(runpodRequest({ datasetTokens: 1e12, datasetExamples: 1e9 }));
    expect(huge.ttl).toBe(RUNPOD_MAX_POLICY_MS);
    expect(huge.executionTimeout).toBe(RUNPOD_MAX_POLICY_MS - QUEUE_ALLOWANCE_MS);
  });

  it('leaves the simulator-only faults out of the input', async () => {
    await provider.submit(runpodRequest({ faults: { failAtStep: 1 } }));
    const { input } = fake.runs.at(-1)!.body;
    expect(input).not.toHaveProperty('faults');
  });

  it('refuses a request without what the trainer needs, before calling RunPod', async () => {
    const runs = fake.runs.length;
    await expect(provider.submit(runpodRequest({ artifactsUrl: undefined }))).rejects.toBeInstanceOf(ProviderRejectedError);
    expect(fake.runs.length).toBe(runs);
  });

  it('sends the API key in the Authorization header and nowhere else', async () => {
    await submitted();
    const { headers, body } = fake.runs.at(-1)!;
    expect(headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(JSON.stringify(body)).not.toContain(API_KEY);
    for (const request of fake.requests) {
      expect(request.path).not.toContain(API_KEY);
      const { authorization: _, ...others } = request.headers;
      expect(JSON.stringify(others)).not.toContain(API_KEY);
    }
  });
});

describe('status', () => {
  const cases: { runpod: RunpodStatus; output?: unknown; state: ProviderJobState; stage: ProviderStage | null }[] = [
    { runpod: 'IN_QUEUE', state: 'QUEUED', stage: null },
    { runpod: 'IN_PROGRESS', state: 'INITIALIZING', stage: null },
    { runpod: 'IN_PROGRESS', output: progress('LOADING_MODEL', 0), state: 'INITIALIZING', stage: 'LOADING_MODEL' },
    { runpod: 'IN_PROGRESS', output: progress('TRAINING', 40), state: 'RUNNING', stage: 'TRAINING' },
    { runpod: 'IN_PROGRESS', output: progress('EVALUATING', 50), state: 'RUNNING', stage: 'EVALUATING' },
    { runpod: 'COMPLETED', output: result(), state: 'COMPLETED', stage: 'UPLOADING_ARTIFACTS' },
    { runpod: 'FAILED', state: 'FAILED', stage: null },
    { runpod: 'TIMED_OUT', state: 'FAILED', stage: null },
    { runpod: 'CANCELLED', output: progress('TRAINING', 70), state: 'CANCELLED', stage: 'TRAINING' },
  ];

  it.each(cases)('reads $runpod ($stage) as $state', async ({ runpod, output, state, stage }) => {
    const externalId = await submitted();
    if (runpod !== 'IN_QUEUE') fake.update(externalId, { status: runpod, output });
    const status = await provider.status(externalId, 0);
    expect(status).toMatchObject({ externalId, state, stage });
  });

  it("reports the trainer's figures and its last point only after afterStep", async () => {
    const externalId = await submitted();
    fake.update(externalId, { status: 'IN_PROGRESS', output: progress('TRAINING', 40) });

    const status = await provider.status(externalId, 39);
    expect(status).toMatchObject({ step: 40, totalSteps: 200, epoch: 0.4, totalEpochs: 2, artifacts: [], error: null });
    expect(status.points.map((p) => p.step)).toEqual([40]);
    expect((await provider.status(externalId, 40)).points).toEqual([]);
    expect((await provider.status(externalId, 100)).points).toEqual([]);
  });

  it("returns a completed job's artifacts and figures", async () => {
    const externalId = await submitted();
    fake.update(externalId, { status: 'COMPLETED', output: result() });
    const status = await provider.status(externalId, 199);
    expect(status).toMatchObject({ state: 'COMPLETED', step: 200, totalSteps: 200, epoch: 2, totalEpochs: 2 });
    expect(status.error).toBeNull();
    expect(status.artifacts.map((a) => a.name)).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(status.points.map((p) => p.step)).toEqual([200]);
  });

  it("takes a failed job's message from RunPod's error", async () => {
    const externalId = await submitted();
    // How runpod-python reports an exception raised by the handler.
    const error = JSON.stringify({
      error_type: "<class 'RuntimeError'>",
      error_message: 'CUDA out of memory',
      error_traceback: 'Traceback (most recent call last): …',
    });
    fake.update(externalId, { status: 'FAILED', output: progress('TRAINING', 12), error });
    expect(await provider.status(externalId, 0)).toMatchObject({
      state: 'FAILED',
      step: 12,
      error: { code: 'RUNPOD_FAILED', message: 'CUDA out of memory' },
    });

    const plain = await submitted();
    fake.update(plain, { status: 'FAILED', error: 'loss is NaN at step 80' });
    const { error: plainError } = await provider.status(plain, 0);
    expect(plainError).toEqual({ code: 'RUNPOD_FAILED', message: 'loss is NaN at step 80' });
  });

  it('reads a timed-out job as failed with its own code', async () => {
    const externalId = await submitted();
    fake.update(externalId, { status: 'TIMED_OUT' });
    const { state, error } = await provider.status(externalId, 0);
    expect(state).toBe('FAILED');
    expect(error?.code).toBe('RUNPOD_TIMED_OUT');
    expect(error?.message).toMatch(/executionTimeout/);
  });

  it("refuses output that is not our trainer's, as a contract error rather than an outage", async () => {
    const chatty = await submitted();
    fake.update(chatty, { status: 'IN_PROGRESS', output: 'Update 1/3' });
    const error = await provider.status(chatty, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunpodOutputError);
    expect(error).not.toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toContain(chatty);

    const noArtifacts = await submitted();
    fake.update(noArtifacts, { status: 'COMPLETED', output: { ...result(), artifacts: [] } });
    await expect(provider.status(noArtifacts, 0)).rejects.toBeInstanceOf(RunpodOutputError);
  });
});

describe('cancel', () => {
  it('cancels a queued or running job', async () => {
    const queued = await submitted();
    expect(await provider.cancel(queued)).toEqual({ state: 'CANCELLED' });
    expect((await provider.status(queued, 0)).state).toBe('CANCELLED');

    const running = await submitted();
    fake.update(running, { status: 'IN_PROGRESS', output: progress('TRAINING', 5) });
    expect(await provider.cancel(running)).toEqual({ state: 'CANCELLED' });
  });

  it('leaves a finished job as it is', async () => {
    const externalId = await submitted();
    fake.update(externalId, { status: 'COMPLETED', output: result() });
    expect(await provider.cancel(externalId)).toEqual({ state: 'COMPLETED' });
  });
});

describe('errors', () => {
  it('reads 500 and 429 as RunPod being unavailable, and recovers', async () => {
    const externalId = await submitted();
    fake.failNext(1, 500);
    await expect(provider.status(externalId, 0)).rejects.toBeInstanceOf(ProviderUnavailableError);
    fake.failNext(1, 429);
    await expect(provider.submit(runpodRequest())).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect((await provider.status(externalId, 0)).state).toBe('QUEUED');
  });

  it('reads no answer in time, or no server, as unavailable', async () => {
    const options = { apiKey: API_KEY, endpointId: ENDPOINT_ID, baseUrl: fake.baseUrl, timeoutMs: 100 };
    const impatient = createRunpodProvider(options);
    fake.stallNext(1);
    await expect(impatient.submit(runpodRequest())).rejects.toBeInstanceOf(ProviderUnavailableError);

    const closed = await startFakeRunpod({ apiKey: API_KEY, endpointId: ENDPOINT_ID });
    await closed.close();
    const nowhere = createRunpodProvider({ apiKey: API_KEY, endpointId: ENDPOINT_ID, baseUrl: closed.baseUrl });
    await expect(nowhere.cancel('any-u1')).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('reads a bad API key and an unknown job as rejections', async () => {
    const wrongKey = createRunpodProvider({ apiKey: 'rpa_WRONG', endpointId: ENDPOINT_ID, baseUrl: fake.baseUrl });
    const error = await wrongKey.submit(runpodRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ status: 401 });
    expect((error as Error).message).not.toContain('rpa_WRONG');
    await expect(provider.status('no-such-job-u1', 0)).rejects.toMatchObject({ status: 404 });
  });
});

describe('webhooks', () => {
  // The receiver types every body as a ProviderEvent; these are RunPod's.
  const runpodWebhooks = (externalId: string) => receiver.received.filter((r) => r.url.includes('runpod=1') && (r.event as unknown as { id: string }).id === externalId);

  it("takes only the job id from RunPod's completion webhook", async () => {
    const externalId = await submitted();
    fake.update(externalId, { status: 'COMPLETED', output: result() });
    const [webhook] = await waitFor(() => runpodWebhooks(externalId).length > 0 && runpodWebhooks(externalId));
    const body: unknown = webhook!.event;

    expect(webhook!.url).toBe('/webhooks/gpu/runpod?runpod=1');
    expect(isRunpodWebhookUrl(new URL(webhook!.url, receiver.url))).toBe(true);
    expect(body).toMatchObject({ id: externalId, status: 'COMPLETED', input: { callbackUrl: expect.any(String) } });
    expect(parseRunpodWebhook(body)).toEqual({ externalId });
    expect(() => provider.parseCallback(body)).toThrow(InvalidCallbackError);
    expect((await provider.status(externalId, 0)).state).toBe('COMPLETED');
  });

  it('catches a forged "COMPLETED" webhook by reading /status', async () => {
    const externalId = await submitted();
    fake.update(externalId, { status: 'IN_PROGRESS', output: progress('TRAINING', 30) });
    const forged = result([artifact('adapter_model.safetensors', 'https://attacker.example/evil.safetensors')]);
    await fake.sendWebhook(externalId, { status: 'COMPLETED', output: forged });

    const [webhook] = await waitFor(() => runpodWebhooks(externalId).length > 0 && runpodWebhooks(externalId));
    expect(webhook!.event).toMatchObject({ status: 'COMPLETED' });
    const { externalId: claimed } = parseRunpodWebhook(webhook!.event);
    const status = await provider.status(claimed, 0);
    expect(status.state).toBe('RUNNING');
    expect(status.artifacts).toEqual([]);
  });

  it("accepts the trainer's metric callbacks and refuses malformed webhooks", () => {
    const event: ProviderEvent = {
      deliveryId: 'd-1',
      externalId: 'job-u1',
      jobId: 'job-1',
      state: 'RUNNING',
      stage: 'TRAINING',
      step: 2,
      totalSteps: 200,
      epoch: 0.02,
      points: [point(1), point(2)],
      artifacts: [],
      error: null,
      sentAt: new Date().toISOString(),
    };
    expect(provider.parseCallback(event)).toEqual(event);
    // Even a body that is both shapes at once is refused: RunPod's shape is never trusted.
    expect(() => provider.parseCallback({ ...event, id: 'job-u1', status: 'COMPLETED' })).toThrow(InvalidCallbackError);
    expect(() => provider.parseCallback({ state: 'RUNNING' })).toThrow(InvalidCallbackError);
    expect(() => parseRunpodWebhook({ status: 'COMPLETED' })).toThrow(InvalidCallbackError);
    expect(() => parseRunpodWebhook('COMPLETED')).toThrow(InvalidCallbackError);
  });
});

describe('openArtifact', () => {
  it('downloads from the presigned URL without sending the API key', async () => {
    const content = Buffer.from('{"peft_type":"LORA","r":8}');
    const url = fake.putFile('adapter_config.json', content);
    const stream = await provider.openArtifact({
      ...artifact('adapter_config.json', url),
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    const chunks: Buffer[] = [];
    const readable = stream instanceof ReadableStream ? Readable.fromWeb(stream as never) : stream;
    for await (const chunk of readable) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks)).toEqual(content);

    const download = fake.requests.findLast((r) => r.path.startsWith('/files/'));
    expect(download?.headers.authorization).toBeUndefined();
  });

  it('refuses URLs that are not https', async () => {
    for (const url of ['http://bucket.example/adapter', 'ftp://bucket.example/adapter', 'file:///etc/passwd']) {
      await expect(provider.openArtifact(artifact('adapter', url))).rejects.toBeInstanceOf(ProviderRejectedError);
    }
    // Plain HTTP to this machine is for tests against a local RunPod only.
    const real = createRunpodProvider({ apiKey: API_KEY, endpointId: ENDPOINT_ID });
    const local = fake.putFile('adapter', 'x');
    await expect(real.openArtifact(artifact('adapter', local))).rejects.toBeInstanceOf(ProviderRejectedError);
  });
});
