// The RunPod path end to end with the real trainer: the real app (GPU_PROVIDER=runpod) submits to the fake
// RunPod, and the real runpod SDK worker loop (`python -m brightrun_trainer.runpod_handler`, as the image runs it)
// takes the job from the fake's worker side, trains a tiny random-weight Llama on the CPU, posts its points to the
// server's callback URL, mirrors its progress into RunPod's job and returns its completion; the server learns of
// the end from RunPod's completion webhook and /status, and stores the uploaded adapter. A cancel stops the worker's
// run through the 409 its next callback gets, and the worker takes work again.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '../../../server/db/client.js';
import { completedOutputSchema, progressOutputSchema } from '../../../server/gpu/runpod/contract.js';
import { startTestApp, wsCollect, type TestApp } from '../../helpers/app.js';
import { jsonl } from '../../helpers/datasets.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { storedModel } from '../../helpers/models.js';
import { descendantsOf, isAlive } from '../../helpers/processes.js';
import { makeTinyModel, requireTrainer, TRAINER_DIR, TRAINER_PYTHON } from '../../helpers/trainer.js';
import { createJob, followJob, JOB_UPDATED, readyDatasetFrom } from '../../helpers/training.js';
import { startFakeRunpod, type FakeRunpod, type WorkerEnv } from '../../unit/gpu/runpod/fake-runpod.js';

const API_KEY = 'rpa_SERVERKEY0123456789abcdef';
const ENDPOINT_ID = 'brightrun-trainer-test';
const WORKER_ID = 'worker-1';
const DOWNLOAD = `mutation($id: ID!) { createModelDownload(id: $id) {
  __typename ... on ModelDownloadPayload { files { name url size sha256 } } ... on Error { message } } }`;
const CANCEL = 'mutation($id: ID!) { cancelTrainingJob(id: $id) { __typename } }';
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Questions with one fixed answer each. */
function example(n: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'Answer with the colour.' },
      { role: 'user', content: `What colour is item ${n % 4}?` },
      { role: 'assistant', content: ['red', 'green', 'blue', 'amber'][n % 4]! },
    ],
  });
}

interface Worker {
  pid: number;
  /** What it printed, stdout and stderr. */
  output(): string;
  /** SIGKILLs its whole process group (the SDK's heartbeat runs in a child process) and waits until none is left. */
  stop(): Promise<void>;
}

/** Starts the image's command with the variables RunPod gives a worker, and nothing of the server's. */
function startWorker(env: WorkerEnv): Worker {
  const child: ChildProcess = spawn(TRAINER_PYTHON, ['-u', '-m', 'brightrun_trainer.runpod_handler'], {
    cwd: TRAINER_DIR,
    // Its own process group, so that stop() reaches the heartbeat process too.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      ...env,
      // The SDK's start-up fitness checks want a GPU and the internet (8.8.8.8); this test has neither.
      RUNPOD_SKIP_GPU_CHECK: 'true',
      RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: 'true',
      RUNPOD_PING_INTERVAL: '1000',
      HF_HUB_OFFLINE: '1',
      PYTHONDONTWRITEBYTECODE: '1',
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  return {
    pid,
    output: () => output,
    async stop() {
      const family = [pid, ...descendantsOf(pid)];
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
      await exited;
      await vi.waitFor(() => expect(family.filter(isAlive)).toEqual([]), { timeout: 10_000, interval: 100 });
    },
  };
}

let fake: FakeRunpod;
let t: TestApp;
let worker: Worker | undefined;
let alice: TestUser;
let modelDir: string;
let modelId: string;

beforeAll(async () => {
  requireTrainer();
  modelDir = await makeTinyModel();
  modelId = `local/${path.basename(modelDir)}`;
  fake = await startFakeRunpod({ apiKey: API_KEY, endpointId: ENDPOINT_ID, webhookRetryMs: 500, pollHoldMs: 1000 });
  t = await startTestApp({
    GPU_PROVIDER: 'runpod',
    RUNPOD_API_KEY: API_KEY,
    RUNPOD_ENDPOINT_ID: ENDPOINT_ID,
    RUNPOD_BASE_URL: fake.baseUrl,
    SIMULATED_GPU_URL: 'http://127.0.0.1:9',
    LOCAL_BASE_MODELS: modelDir,
    // Polling as rare as allowed: a job's end has to come through RunPod's completion webhook.
    POLL_INTERVAL_SECONDS: '300',
  });
  alice = await createUser(t);
  worker = startWorker(fake.workerEnv(WORKER_ID));
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await t?.stop();
  await fake?.close();
  if (modelDir) fs.rmSync(modelDir, { recursive: true, force: true });
});

/** The SDK's lines of an idle worker: asking for work, hearing there is none, its heartbeat. */
const IDLE = /get_job|Received 204|No jobs acquired|Heartbeat Sent|JobScaler\.(status|get_jobs)|Response: ClientResponse 204/;

/** On a failed expectation: what the fake RunPod saw, and the worker's output (the SDK's log and the trainer's). */
async function explained<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const results = fake.results.map(({ jobId, applied, at, body }) => ({ jobId, applied, at, keys: Object.keys(body), error: body.error }));
    const webhooks = fake.webhooks.map(({ answer, body }) => ({ id: body.id, status: body.status, answer }));
    const lines = (worker?.output() ?? '').split('\n').filter((line) => !IDLE.test(line));
    console.error(
      `Fake RunPod: results ${JSON.stringify(results)}\nwebhooks ${JSON.stringify(webhooks)}\n` + `RunPod worker output:\n${lines.slice(-300).join('\n').slice(-30_000)}`,
    );
    throw error;
  }
}

describe('the RunPod worker image running the real trainer', () => {
  it(
    'takes the job, trains, reports in the server shapes and ends STORED through the completion webhook',
    () =>
      explained(async () => {
        const datasetId = await readyDatasetFrom(t, alice.token, jsonl(Array.from({ length: 32 }, (_, i) => example(i))), { baseModelId: modelId });
        const hyperparameters = { quantization: 'NONE', epochs: 2, learningRate: 0.003, batchSize: 4, loraRank: 8, loraAlpha: 16, maxSeqLength: 128, warmupRatio: 0.1 };
        const stored = await storedModel(t, alice.token, {
          datasetId,
          presetId: 'fast',
          baseModelId: modelId,
          hyperparameters,
          gpu: { type: 'A100-80GB', count: 1 },
          name: 'runpod worker run',
        });

        const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(stored.jobId) } });
        expect(job).toMatchObject({ status: 'COMPLETED', provider: 'runpod' });
        const externalId = job.externalJobId!;
        const input = fake.runs.find((run) => run.body.input.jobId === job.id)!.body.input;
        expect(input).toMatchObject({
          artifactsUrl: expect.stringMatching(/\/webhooks\/gpu\/runpod\/uploads$/),
          datasetFormat: 'CHAT_JSONL',
          baseModel: { id: modelId, path: modelDir },
        });
        expect(fake.job(externalId)).toMatchObject({ status: 'COMPLETED', workerId: WORKER_ID });
        expect(fake.takes.filter((take) => take.jobIds.includes(externalId))).toEqual([{ workerId: WORKER_ID, jobIds: [externalId], at: expect.any(Number) }]);

        // Every progress_update, in progressOutputSchema's shape, from loading the model to uploading.
        const progress = fake.progress.filter((post) => post.jobId === externalId);
        expect(progress.length).toBeGreaterThanOrEqual(3);
        const stages = progress.map((post) => {
          expect(post.body.status).toBe('IN_PROGRESS');
          return progressOutputSchema.parse(post.body.output).stage;
        });
        expect(stages[0]).toBe('LOADING_MODEL');
        expect(stages).toEqual(expect.arrayContaining(['TRAINING', 'SAVING', 'UPLOADING_ARTIFACTS']));

        // One result, in completedOutputSchema's shape; RunPod's completion webhook, answered; then /status read.
        const results = fake.results.filter((post) => post.jobId === externalId);
        expect(results).toHaveLength(1);
        expect(results[0]!.body).not.toHaveProperty('error');
        const output = completedOutputSchema.parse(results[0]!.body.output);
        expect(output).toMatchObject({ step: job.totalSteps, totalSteps: job.totalSteps, totalEpochs: 2 });
        const webhook = fake.webhooks.find((delivery) => delivery.body.id === externalId);
        expect(webhook).toMatchObject({ answer: 200, body: { status: 'COMPLETED' } });
        expect(webhook!.url).toContain('runpod=1');
        expect(fake.requests.some((request) => request.method === 'GET' && request.path.endsWith(`/status/${externalId}`))).toBe(true);

        // Every point came through the trainer's callbacks (RunPod's /status holds only the last one).
        const points = await db.metricPoint.findMany({ where: { jobId: job.id }, orderBy: { step: 'asc' } });
        expect(points.map((p) => p.step)).toEqual(Array.from({ length: job.totalSteps }, (_, i) => i + 1));
        expect(points.every((p) => p.trainingLoss !== null && Number.isFinite(p.trainingLoss))).toBe(true);
        expect(output.lastPoint?.step).toBe(job.totalSteps);

        // The adapter the trainer reported is the one a user downloads.
        const reported = output.artifacts.find((artifact) => artifact.name === 'adapter_model.safetensors')!;
        const download = (await t.gql(DOWNLOAD, { id: stored.modelId }, alice.token)).body.data.createModelDownload;
        expect(download.__typename).toBe('ModelDownloadPayload');
        const file = download.files.find((f: { name: string }) => f.name === 'adapter_model.safetensors');
        const bytes = new Uint8Array(await (await fetch(file.url)).arrayBuffer());
        expect(bytes.length).toBe(reported.size);
        expect(sha256(bytes)).toBe(file.sha256);
        expect(file.sha256).toBe(reported.sha256);

        // The worker called only the worker routes with its own key, kept a heartbeat, and logged no secret.
        const workerRequests = fake.requests.filter((request) => /\/(job-take|job-done|job-stop|ping)\//.test(request.path));
        expect(workerRequests.length).toBeGreaterThan(0);
        expect(workerRequests.every((request) => request.headers.authorization === fake.workerKey)).toBe(true);
        expect(fake.pings.some((ping) => ping.workerId === WORKER_ID)).toBe(true);
        const logged = worker!.output();
        const signature = new URL(input.datasetUrl as string).search.slice(1);
        expect(signature.length).toBeGreaterThan(0);
        expect(logged).not.toContain(input.callbackToken as string);
        expect(logged).not.toContain(signature);
      }),
    300_000,
  );

  it(
    'stops a cancelled run: CANCELLED, nothing stored, and the worker takes work again once the run has stopped',
    () =>
      explained(async () => {
        const datasetId = await readyDatasetFrom(t, alice.token, jsonl(Array.from({ length: 64 }, (_, i) => example(i))), { baseModelId: modelId });
        const hyperparameters = { quantization: 'NONE', epochs: 20, learningRate: 0.003, batchSize: 4, loraRank: 8, loraAlpha: 16, maxSeqLength: 128, warmupRatio: 0.1 };
        const created = await createJob(t, alice.token, { datasetId, presetId: 'fast', baseModelId: modelId, hyperparameters, name: 'runpod worker cancel' });
        expect(created.__typename).toBe('TrainingJobPayload');
        const jobGid: string = created.trainingJob.id;

        // Cancelled once the trainer is a few steps in.
        await wsCollect(t.ws(alice.token), JOB_UPDATED, { id: jobGid }, (r) => (r.at(-1)?.trainingJobUpdated.currentStep ?? 0) >= 3, 180_000);
        expect((await t.gql(CANCEL, { id: jobGid }, alice.token)).body.data.cancelTrainingJob.__typename).toBe('TrainingJobPayload');
        const states = await followJob(t, alice.token, jobGid, 60_000);
        expect(states.at(-1).status).toBe('CANCELLED');

        const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(jobGid) } });
        const externalId = job.externalJobId!;
        expect(fake.job(externalId).status).toBe('CANCELLED');

        // RunPod tells the worker on its job-stop channel; the run stops at its next callback, which the server
        // refuses, and the worker takes work again only then. Whichever came first, no result changes the job.
        await vi.waitFor(
          () => {
            const stop = fake.stopSignals.find((signal) => signal.jobIds.includes(externalId));
            expect(stop).toMatchObject({ workerId: WORKER_ID });
            expect(fake.takes.some((take) => take.workerId === WORKER_ID && take.at > stop!.at)).toBe(true);
          },
          { timeout: 30_000, interval: 200 },
        );
        for (const post of fake.results.filter((result) => result.jobId === externalId)) {
          expect(post).toMatchObject({ applied: false, body: { error: expect.stringMatching(/^CANCELLED: /) } });
        }
        expect(fake.job(externalId).status).toBe('CANCELLED');
        expect(worker!.output()).toMatch(new RegExp(`\\(RunPod ${externalId}\\) ended CANCELLED`));
        const stepsTrained = await db.metricPoint.count({ where: { jobId: job.id } });
        expect(stepsTrained).toBeGreaterThanOrEqual(3);
        expect(stepsTrained).toBeLessThan(job.totalSteps);
        expect(await db.modelArtifact.findUnique({ where: { jobId: job.id } })).toBeNull();
      }),
    300_000,
  );
});
