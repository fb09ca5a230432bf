// The real trainer end to end with GPU_PROVIDER=local: a dataset uploaded and validated, a job created, the
// trainer (Python, a tiny random-weight Llama on the CPU) run as the worker's child process, its own points
// pushed to a trainingMetrics subscriber through completion, its files uploaded to signed URLs and stored,
// and the downloaded adapter checked by sha256 and loaded in peft.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '../../../server/db/client.js';
import { startTestApp, type TestApp, type Untyped } from '../../helpers/app.js';
import { jsonl } from '../../helpers/datasets.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { storedModel } from '../../helpers/models.js';
import { colourExample, makeTinyModel, python } from '../../helpers/trainer.js';
import { readyDatasetFrom } from '../../helpers/training.js';

const POINT_FIELDS = 'step epoch trainingLoss validationLoss learningRate gradNorm throughput tokensTrained';
const METRICS = `subscription($jobId: ID!) { trainingMetrics(jobId: $jobId, afterStep: 0) { lastStep points { ${POINT_FIELDS} } } }`;
const DOWNLOAD = `mutation($id: ID!) { createModelDownload(id: $id) {
  __typename ... on ModelDownloadPayload { files { name url size sha256 } } ... on Error { message } } }`;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

let t: TestApp;
let alice: TestUser;
let modelDir: string;
let modelId: string;
const scratch: string[] = [];

beforeAll(async () => {
  modelDir = await makeTinyModel();
  scratch.push(modelDir);
  t = await startTestApp({ GPU_PROVIDER: 'local', SIMULATED_GPU_URL: 'http://127.0.0.1:9', LOCAL_BASE_MODELS: modelDir, TRAINER_DEVICES: 'cpu', POLL_INTERVAL_SECONDS: '1' });
  alice = await createUser(t);
  modelId = `local/${path.basename(modelDir)}`;
}, 120_000);

afterAll(async () => {
  await t?.stop();
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every point the subscription pushes, until the stream completes with the job. */
function collectPoints(jobId: string): Promise<Untyped[]> {
  return new Promise((resolve, reject) => {
    const points: Untyped[] = [];
    const timer = setTimeout(() => reject(new Error(`timed out with ${points.length} points`)), 240_000);
    t.ws(alice.token).subscribe<Untyped>(
      { query: METRICS, variables: { jobId } },
      {
        next: (value) => (value.errors ? reject(new Error(JSON.stringify(value.errors))) : points.push(...value.data.trainingMetrics.points)),
        error: reject,
        complete: () => {
          clearTimeout(timer);
          resolve(points);
        },
      },
    );
  });
}

describe('local training with the real trainer', () => {
  it('lists the model folder as a base model', async () => {
    const { body } = await t.gql('{ baseModels { id name hiddenSize numLayers contextLength exactTokenCounts } }');
    expect(body.data.baseModels).toContainEqual({
      id: modelId,
      name: expect.stringContaining('local folder'),
      hiddenSize: 64,
      numLayers: 2,
      contextLength: 1024,
      exactTokenCounts: false,
    });
  });

  it('refuses 4-bit training on the CPU, and more than one device a job, before anything runs', async () => {
    const datasetId = await readyDatasetFrom(t, alice.token, jsonl(Array.from({ length: 12 }, (_, i) => colourExample(i))), { baseModelId: modelId });
    const res = await t.gql(
      `mutation($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) { __typename ... on InvalidInputError { problems { path message } } } }`,
      { input: { datasetId, presetId: 'fast', baseModelId: modelId, hyperparameters: { quantization: 'NF4' }, gpu: { type: 'A100-80GB', count: 2 } } },
      alice.token,
    );
    expect(res.body.data.createTrainingJob.__typename).toBe('InvalidInputError');
    // Both at once: the CPU cannot quantise, and a local job runs on one device.
    expect(res.body.data.createTrainingJob.problems).toEqual([
      { path: ['hyperparameters', 'quantization'], message: expect.stringMatching(/CUDA/) },
      { path: ['gpu', 'count'], message: expect.stringMatching(/at most 1 GPU/) },
    ]);
  });

  it('trains a real adapter: live points through completion, stored files, a download that loads in peft', async () => {
    const datasetId = await readyDatasetFrom(t, alice.token, jsonl(Array.from({ length: 32 }, (_, i) => colourExample(i))), { baseModelId: modelId });
    const hyperparameters = { quantization: 'NONE', epochs: 3, learningRate: 0.003, batchSize: 4, loraRank: 8, loraAlpha: 16, maxSeqLength: 128, warmupRatio: 0.1 };
    const input = { datasetId, presetId: 'fast', baseModelId: modelId, hyperparameters, name: 'tiny real run' };

    // The subscription starts before the job exists on the provider; it gets every point as it lands.
    const jobPromise = storedModel(t, alice.token, input);
    const jobId = await waitForJob(datasetId);
    const [points, stored] = await Promise.all([collectPoints(jobId), jobPromise]);

    const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(jobId) } });
    expect(job).toMatchObject({ status: 'COMPLETED', provider: 'local', gpuHourlyRateUsd: expect.anything() });
    expect(job.finalCost?.toFixed(2)).toBe('0.00'); // the default local rate is 0, still recorded exactly
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: job.totalSteps }, (_, i) => i + 1));
    expect(points.every((p) => Number.isFinite(p.trainingLoss) && p.learningRate !== null && p.tokensTrained > 0)).toBe(true);
    expect(points.some((p) => p.validationLoss !== null)).toBe(true);
    // The trainer's own numbers: the same points it kept in its status folder.
    const folder = path.join(t.config.dataDir, 'trainer', 'jobs', job.externalJobId!);
    const kept = fs
      .readFileSync(path.join(folder, 'points.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(points.map((p) => [p.step, p.trainingLoss])).toEqual(kept.map((p) => [p.step, p.trainingLoss]));
    // It learned: the loss fell.
    expect(points.at(-1).trainingLoss).toBeLessThan(points[0].trainingLoss);

    const names = stored.files.map((f) => f.name).sort();
    expect(names).toEqual(
      expect.arrayContaining(['README.md', 'adapter_config.json', 'adapter_model.safetensors', 'metrics.json', 'tokenizer.json', 'training_args.json', 'training_summary.json']),
    );

    const download = (await t.gql(DOWNLOAD, { id: stored.modelId }, alice.token)).body.data.createModelDownload;
    expect(download.__typename).toBe('ModelDownloadPayload');
    const adapterDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-adapter-'));
    scratch.push(adapterDir);
    for (const file of download.files.filter((f: { name: string }) => f.name.startsWith('adapter_'))) {
      const bytes = Buffer.from(await (await fetch(file.url)).arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      fs.writeFileSync(path.join(adapterDir, file.name), bytes);
    }

    // The downloaded adapter loads in peft on the tiny base model and changes its output.
    const report = JSON.parse(
      await python(
        `
import json, sys, torch
from transformers import AutoModelForCausalLM
from peft import PeftModel
base = AutoModelForCausalLM.from_pretrained(sys.argv[1])
ids = torch.tensor([[1, 5, 9, 13, 17, 21]])
with torch.no_grad():
    before = base(ids).logits
    tuned = PeftModel.from_pretrained(base, sys.argv[2])
    after = tuned(ids).logits
print(json.dumps({"maxDiff": (after - before).abs().max().item(), "targets": sorted(tuned.peft_config["default"].target_modules)}))
`,
        [modelDir, adapterDir],
      ),
    );
    expect(report.maxDiff).toBeGreaterThan(1e-4);
    expect(report.targets).toEqual(['down_proj', 'gate_proj', 'k_proj', 'o_proj', 'q_proj', 'up_proj', 'v_proj']);

    // The trainer's staged uploads were removed once copied into the model's folder.
    const { storage } = t.config;
    assert(storage.driver === 'local');
    const staged = path.join(storage.localRoot, storage.buckets.models, alice.id, rawId(jobId));
    expect(fs.existsSync(staged) ? fs.readdirSync(staged) : []).toEqual([]);
  }, 300_000);
});

/** The global id of the job created on the dataset, once it exists. */
async function waitForJob(datasetId: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const job = await db.trainingJob.findFirst({ where: { datasetId: rawId(datasetId) } });
      if (!job) throw new Error('the job was not created');
      return Buffer.from(`TrainingJob:${job.id}`).toString('base64');
    },
    { timeout: 15_000, interval: 50 },
  );
}
