// estimateTrainingCost through GraphQL: a hand computation for a real validated dataset, calibration from a
// completed run on the same GPU type and model, and the typed errors (not ready, not yours, bad input).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import { startTestApp, wsCollect, type TestApp } from '../../helpers/app.js';
import { chatExample, createDatasetFor, DATASET_UPDATED, jsonl, uploadDataset } from '../../helpers/datasets.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
/** 500 examples: large enough that steps, compute time and cost are not all rounding. */
let datasetId: string;

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

const ESTIMATE = `query($input: EstimateTrainingCostInput!) { estimateTrainingCost(input: $input) {
  __typename
  ... on TrainingEstimate {
    tokensToTrain steps throughputTokensPerSecond throughputSource calibrationRuns
    startupOverheadSeconds computeSeconds durationSeconds hourlyRateUsd costUsd
    breakdown { item seconds costUsd } low { durationSeconds costUsd } high { durationSeconds costUsd }
  }
  ... on InvalidInputError { problems { path message } }
  ... on DatasetNotReadyError { datasetId status }
  ... on NotFoundError { type id }
  ... on Error { message } } }`;

async function estimate(input: Record<string, unknown>, token = alice.token) {
  const res = await t.gql(ESTIMATE, { input }, token);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.estimateTrainingCost;
}

/** µ$ → the API's Decimal string: exactly six decimals. */
function usd(micros: number): string {
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

beforeAll(async () => {
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' });
  alice = await createUser(t);
  datasetId = await readyDataset(t, alice.token, 500);
});
afterAll(() => t?.stop());

describe('estimateTrainingCost matches a hand computation', () => {
  it('quality preset with gradient accumulation 2, 2× H100-80GB, Mistral 7B, on the dataset as validated', async () => {
    const stats = await t.gql(`query($id: ID!) { dataset(id: $id) { status statistics { examples totalTokens } } }`, { id: datasetId }, alice.token);
    const { status, statistics } = stats.body.data.dataset;
    expect(status).toBe('READY');
    expect(statistics.examples).toBe(500);
    const T: number = statistics.totalTokens; // counted with Mistral's tokenizer: 25,784 when this was written (~52 an example)
    expect(T).toBeGreaterThan(500 * 10);

    const e = await estimate({ datasetId, presetId: 'quality', hyperparameters: { gradientAccumulation: 2 }, gpu: { type: 'H100-80GB', count: 2 } });
    expect(e.__typename).toBe('TrainingEstimate');

    // By hand, from SPEC and the catalog (server/catalog/training.ts), nothing imported from the code under test:
    // tokens to train = T dataset tokens × 5 epochs (quality)                         = 128,920 for T = 25,784
    const tokensToTrain = T * 5;
    // steps           = ceil(500 examples ÷ (batch 8 × accumulation 2 × 2 GPUs) = 15.625) = 16 an epoch × 5 epochs = 80
    const steps = 80;
    // throughput      = 6,000 tokens/s (one H100, 7B, 16-bit) × 7 ÷ 7.24 (Mistral's billions) = 5,801.105 a GPU
    //                   × 2 GPUs × 0.92 (one doubling) × 0.7 (NF4, the preset's 4-bit)     = 7,471.823 tokens/s
    const throughput = ((6000 * 7) / 7.24) * 2 * 0.92 * 0.7;
    expect(throughput).toBeCloseTo(7472.0, 0);
    // compute         = ceil(tokens ÷ throughput) s: ceil(128,920 ÷ 7,471.823 = 17.25) = 18 s
    const computeSeconds = Math.ceil(tokensToTrain / throughput);
    // start-up        = round(180 s + 20 s × 7.24) = round(324.8) = 325 s
    const startupSeconds = 325;
    // rate            = $4.20 × 2 GPUs = $8.40 an hour = 8,400,000 µ$ ÷ 3,600 s = 2,333.33 µ$ a second
    // start-up cost   = 325 × 8,400,000 ÷ 3,600 = 758,333.33 → 758,333 µ$ ($0.758333)
    const startupMicros = 758_333;
    // compute cost    = computeSeconds × 8,400,000 ÷ 3,600, rounded half up: 18 s → 42,000 µ$ ($0.042)
    // cost            = 758,333 + 42,000 = 800,333 µ$ ($0.800333); duration 325 + 18 = 343 s
    const computeMicros = Math.floor((computeSeconds * 8_400_000) / 3600 + 0.5);
    // range           = ±15% on catalog throughput, cost rounded half up to the µ$, duration to the second:
    //                   low 292 s, $0.680283; high 394 s, $0.920383
    const total = startupMicros + computeMicros;

    expect(e).toEqual({
      __typename: 'TrainingEstimate',
      tokensToTrain,
      steps,
      throughputTokensPerSecond: expect.closeTo(throughput, 6),
      throughputSource: 'CATALOG',
      calibrationRuns: 0,
      startupOverheadSeconds: startupSeconds,
      computeSeconds,
      durationSeconds: startupSeconds + computeSeconds,
      hourlyRateUsd: '8.400000',
      costUsd: usd(total),
      breakdown: [
        { item: 'STARTUP', seconds: 325, costUsd: '0.758333' },
        { item: 'COMPUTE', seconds: computeSeconds, costUsd: usd(computeMicros) },
      ],
      low: { durationSeconds: Math.round(((startupSeconds + computeSeconds) * 85) / 100), costUsd: usd(Math.floor((total * 85) / 100 + 0.5)) },
      high: { durationSeconds: Math.round(((startupSeconds + computeSeconds) * 115) / 100), costUsd: usd(Math.floor((total * 115) / 100 + 0.5)) },
    });
  });

  it('is the estimate a job created with the same input stores', async () => {
    const input = { datasetId, presetId: 'balanced', gpu: { type: 'A100-40GB', count: 4 } };
    const e = await estimate(input);
    // Only the stored estimate matters here: cancel the job at once so it takes little GPU time.
    const created = await createJob(t, alice.token, { ...input, name: 'stored estimate' });
    expect(created.__typename).toBe('TrainingJobPayload');
    expect(created.trainingJob.estimate).toEqual({ costUsd: e.costUsd, steps: e.steps, throughputSource: e.throughputSource });
    expect(created.trainingJob.estimatedCost).toBe(e.costUsd);
    const CANCEL = 'mutation($id: ID!) { cancelTrainingJob(id: $id) { __typename } }';
    expect((await t.gql(CANCEL, { id: created.trainingJob.id }, alice.token)).body.data.cancelTrainingJob.__typename).toBe('TrainingJobPayload');
    // A short run may still reach COMPLETED before the provider hears of the cancel; either way it has ended.
    expect(['CANCELLED', 'COMPLETED']).toContain((await followJob(t, alice.token, created.trainingJob.id)).at(-1).status);
  });
});

describe('calibration from completed runs', () => {
  it('after a completed run on A100-80GB with Mistral 7B, the next estimate there is CALIBRATED from the run', async () => {
    // A user of her own, so no other test's runs calibrate (or fail to calibrate) her estimates.
    const carol = await createUser(t);
    const small = await readyDataset(t, carol.token, 40);
    const sameConfig = { datasetId: small, presetId: 'fast', gpu: { type: 'A100-80GB', count: 1 } };
    const before = await estimate(sameConfig, carol.token);
    expect([before.throughputSource, before.calibrationRuns]).toEqual(['CATALOG', 0]);
    // The catalog figure: 3,000 × 7 ÷ 7.24 × 0.7 (NF4) × 1 GPU.
    expect(before.throughputTokensPerSecond).toBeCloseTo(((3000 * 7) / 7.24) * 0.7, 6);

    const created = await createJob(t, carol.token, { ...sameConfig, name: 'calibration run' });
    expect((await followJob(t, carol.token, created.trainingJob.id)).at(-1).status).toBe('COMPLETED');
    const run = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(created.trainingJob.id) } });
    const measured = run.measuredTokensPerSecond!;
    expect(measured).toBeGreaterThan(0);
    // The simulated A100 runs 21,000 ÷ 7.24 × 0.8 ≈ 2,320 tokens/s, not the catalog's 2,030: calibration must show.
    expect(Math.abs(measured - before.throughputTokensPerSecond) / before.throughputTokensPerSecond).toBeGreaterThan(0.05);

    // Same GPU type, count and quantization: the run's own throughput, exactly.
    const after = await estimate(sameConfig, carol.token);
    expect([after.throughputSource, after.calibrationRuns]).toEqual(['CALIBRATED', 1]);
    expect(after.throughputTokensPerSecond).toBeCloseTo(measured, 6);
    expect(after.computeSeconds).toBe(Math.ceil(after.tokensToTrain / measured));
    // ±7% once calibrated instead of ±15%.
    expect(after.low.durationSeconds).toBe(Math.round((after.durationSeconds * 93) / 100));
    expect(after.high.durationSeconds).toBe(Math.round((after.durationSeconds * 107) / 100));

    // Two GPUs, 16-bit: one GPU's 16-bit figure (measured ÷ 0.7 for NF4 on 1 GPU) × 2 × 0.92 × 1.
    const scaled = await estimate({ ...sameConfig, hyperparameters: { quantization: 'NONE' }, gpu: { type: 'A100-80GB', count: 2 } }, carol.token);
    expect([scaled.throughputSource, scaled.calibrationRuns]).toEqual(['CALIBRATED', 1]);
    expect(scaled.throughputTokensPerSecond).toBeCloseTo((measured / 0.7) * 2 * 0.92, 6);

    // Another GPU type, or another base model on the same GPU, is still the catalog's.
    const otherGpu = await estimate({ ...sameConfig, gpu: { type: 'H100-80GB', count: 1 } }, carol.token);
    expect([otherGpu.throughputSource, otherGpu.calibrationRuns]).toEqual(['CATALOG', 0]);
    const otherModel = await estimate({ ...sameConfig, baseModelId: 'meta-llama/Meta-Llama-3-8B' }, carol.token);
    expect([otherModel.throughputSource, otherModel.calibrationRuns]).toEqual(['CATALOG', 0]);
    // And someone else's estimate on the same GPU and model is not calibrated by Carol's run.
    const aliceSame = await estimate({ ...sameConfig, datasetId }, alice.token);
    expect(aliceSame.throughputSource).toBe('CATALOG');
  });
});

describe('typed errors', () => {
  it('a dataset that is not READY: DatasetNotReadyError with its status', async () => {
    const uploading = await createDatasetFor(t, alice.token, jsonl([chatExample(1)]));
    const e = await estimate({ datasetId: uploading.dataset.id, gpu: { type: 'A100-80GB', count: 1 } });
    expect(e).toMatchObject({ __typename: 'DatasetNotReadyError', status: 'UPLOADING', datasetId: uploading.dataset.id });

    // Three examples, fewer than the ten required: validated INVALID.
    const invalidId = await uploadDataset(t, alice.token, jsonl([1, 2, 3].map(chatExample)));
    const seen = await wsCollect(t.ws(alice.token), DATASET_UPDATED, { id: invalidId }, (r) => ['READY', 'INVALID'].includes(r.at(-1)?.datasetUpdated.status ?? ''));
    expect(seen.at(-1)?.datasetUpdated.status).toBe('INVALID');
    expect(await estimate({ datasetId: invalidId, gpu: { type: 'A100-80GB', count: 1 } })).toMatchObject({ __typename: 'DatasetNotReadyError', status: 'INVALID' });
  });

  it("someone else's dataset, or one that does not exist: NotFoundError", async () => {
    const bob = await createUser(t);
    expect(await estimate({ datasetId, gpu: { type: 'A100-80GB', count: 1 } }, bob.token)).toMatchObject({ __typename: 'NotFoundError', type: 'Dataset' });
    const missing = Buffer.from('Dataset:00000000-0000-4000-8000-000000000000').toString('base64');
    expect(await estimate({ datasetId: missing, gpu: { type: 'A100-80GB', count: 1 } })).toMatchObject({ __typename: 'NotFoundError', type: 'Dataset' });
  });

  it('bad hyperparameters: InvalidInputError naming every bad field by path', async () => {
    const e = await estimate({
      datasetId,
      hyperparameters: { epochs: 0, learningRate: 0.5, loraDropout: 0.9, warmupRatio: 0.6, maxSeqLength: 100_000 },
      gpu: { type: 'A100-80GB', count: 1 },
    });
    expect(e.__typename).toBe('InvalidInputError');
    expect(e.problems.map((p: { path: string[] }) => p.path.join('.')).sort()).toEqual(
      ['hyperparameters.epochs', 'hyperparameters.learningRate', 'hyperparameters.loraDropout', 'hyperparameters.maxSeqLength', 'hyperparameters.warmupRatio'].sort(),
    );
    expect(e.problems.every((p: { message: string }) => p.message.length > 10)).toBe(true);

    const presetAndGpu = await estimate({ datasetId, presetId: 'turbo', gpu: { type: 'A100-80GB', count: 1 } });
    expect(presetAndGpu.problems.map((p: { path: string[] }) => p.path.join('.'))).toEqual(['presetId']);
    const gpu = await estimate({ datasetId, gpu: { type: 'TPU-v5', count: 3 } });
    expect(gpu.problems.map((p: { path: string[] }) => p.path.join('.')).sort()).toEqual(['gpu.count', 'gpu.type']);
    const model = await estimate({ datasetId, baseModelId: 'nobody/none-1B', gpu: { type: 'A100-80GB', count: 1 } });
    expect(model.problems.map((p: { path: string[] }) => p.path.join('.'))).toEqual(['baseModelId']);
  });

  it('every problem at once: the model, the settings and the GPU together', async () => {
    const paths = async (input: Record<string, unknown>) => (await estimate({ datasetId, ...input })).problems.map((p: { path: string[] }) => p.path.join('.')).sort();
    expect(await paths({ hyperparameters: { epochs: 0 }, gpu: { type: 'A100-80GB', count: 3 } })).toEqual(['gpu.count', 'hyperparameters.epochs']);
    expect(await paths({ presetId: 'turbo', gpu: { type: 'TPU-v5', count: 1 } })).toEqual(['gpu.type', 'presetId']);
    expect(await paths({ baseModelId: 'nobody/none-1B', gpu: { type: 'A100-80GB', count: 3 } })).toEqual(['baseModelId', 'gpu.count']);
    // An unknown model does not hide an unknown preset or a bad setting.
    expect(await paths({ baseModelId: 'nobody/none-1B', presetId: 'turbo', gpu: { type: 'A100-80GB', count: 1 } })).toEqual(['baseModelId', 'presetId']);
    expect(await paths({ baseModelId: 'nobody/none-1B', hyperparameters: { epochs: 0 }, gpu: { type: 'A100-80GB', count: 1 } })).toEqual(['baseModelId', 'hyperparameters.epochs']);
  });
});
