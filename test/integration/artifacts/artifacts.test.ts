// Model artifacts end to end, through the real API, queue, storage and
// simulated GPU provider: a job completes → its files are copied and checked
// → the model is STORED with a model card and quality → signed downloads
// return the same bytes → ARTIFACT_READY arrives over graphql-ws. Duplicate
// completions and re-runs make one of everything; a copy that cannot succeed
// ends FAILED with the owner told.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signCallbackToken } from '../../../server/auth/tokens.js';
import { rate } from '../../../server/artifacts/quality.js';
import { bestPoint, detectOverfit } from '../../../server/training/loss-curve.js';
import { storeModelArtifact } from '../../../server/artifacts/store-model-artifact.js';
import { db, pool, statementCounter } from '../../../server/db/client.js';
import type { GpuProvider } from '../../../server/gpu/provider.js';
import { ARTIFACT_RETRY_LIMIT, createArtifactJob } from '../../../server/queue/definitions.js';
import { createArtifactWorker } from '../../../server/workers/create-artifact.js';
import type { JobContext } from '../../../server/workers/context.js';
import { applyProviderReport } from '../../../server/training/apply-report.js';
import { transitionJob } from '../../../server/training/transitions.js';
import { startTestApp, wsCollect, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';
import { graphql } from '../../gql/index.js';
import type { ArtifactsModelFragment } from '../../gql/graphql.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
let datasetId: string;

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const PROVIDER_FILES = ['adapter_config.json', 'adapter_model.safetensors', 'metrics.json', 'training_args.json'];

graphql(`
  fragment ArtifactsModel on Model {
    id name status failureReason storedAt totalSize
    job { id status } dataset { id name } baseModel { id }
    hyperparameters { epochs learningRate loraRank loraAlpha }
    files { id name size sha256 contentType }
    quality { finalValidationLoss bestValidationLoss bestValidationStep finalTrainingLoss perplexity lossReduction rating warnings { code message } }
  }
`);
const JOB_ARTIFACT = graphql(`
  query ArtifactsJobArtifact($id: ID!) {
    trainingJob(id: $id) { id artifact { ...ArtifactsModel } }
  }
`);
const MODEL = graphql(`
  query ArtifactsModelShow($id: ID!) {
    model(id: $id) { ...ArtifactsModel }
  }
`);
const DOWNLOAD = graphql(`
  mutation ArtifactsDownload($id: ID!) {
    createModelDownload(id: $id) {
      __typename
      ... on ModelDownloadPayload { expiresAt model { id status } files { name url size sha256 contentType expiresAt } }
      ... on ModelNotReadyError { modelId status message }
      ... on NotFoundError { id type message }
    }
  }
`);
const NOTIFICATION_ADDED = graphql(`
  subscription ArtifactsNotificationAdded {
    notificationAdded { id type title priority link metadata readAt }
  }
`);
const MY_MODELS = graphql(`
  query ArtifactsMyModels {
    models(first: 10) { totalCount edges { node { id status } } }
  }
`);
const THEIR_MODELS = graphql(`
  query ArtifactsTheirModels {
    models(first: 10) { totalCount edges { node { id } } }
  }
`);
const NODE = graphql(`
  query ArtifactsNode($id: ID!) {
    node(id: $id) { id ... on ModelFile { name } ... on Model { status } }
  }
`);
const PAGE = graphql(`
  query ArtifactsModelsPage($first: Int) {
    models(first: $first) {
      totalCount
      edges {
        node {
          id name status totalSize storedAt baseModel { id } hyperparameters { epochs }
          files { name size sha256 } job { id status finalCost } dataset { id name } quality { rating perplexity }
        }
      }
    }
  }
`);

/** Polls until the job's artifact has left PENDING (the queue runs it a moment after COMPLETED). */
async function settledArtifact(jobId: string, timeoutMs = 30_000) {
  return vi.waitFor(
    async () => {
      const artifact = await db.modelArtifact.findUnique({ where: { jobId } });
      if (!artifact || artifact.status === 'PENDING') throw new Error(`artifact of ${jobId} still ${artifact?.status ?? 'missing'}`);
      return artifact;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

function jobContext(retryCount: number): JobContext {
  return { services: t.app.services, log: t.app.services.log, jobId: 'test', retryCount, signal: new AbortController().signal };
}

beforeAll(async () => {
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' });
  [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
  datasetId = await readyDataset(t, alice.token);
});
afterAll(() => t?.stop());

describe('a completed job becomes a stored model', () => {
  let jobGid: string;
  let model: ArtifactsModelFragment;

  it('stores the provider files and a model card, checked, and tells the owner over graphql-ws', async () => {
    // Listening from before the job exists: every notification of alice's arrives, ARTIFACT_READY last.
    const live = wsCollect(t.ws(alice.token), NOTIFICATION_ADDED, {}, (r) => r.some((n) => n.notificationAdded.type === 'ARTIFACT_READY'), 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const created = await createJob(t, alice.token, { datasetId, name: 'artifact run' });
    jobGid = created.trainingJob.id;
    const states = await followJob(t, alice.token, jobGid);
    expect(states.at(-1).status).toBe('COMPLETED');

    const notifications = (await live).map((r) => r.notificationAdded);
    const ready = notifications.filter((n) => n.type === 'ARTIFACT_READY');
    expect(ready).toHaveLength(1);
    expect(notifications.map((n) => n.type)).toEqual(expect.arrayContaining(['JOB_COMPLETED', 'ARTIFACT_READY']));

    const res = await t.gqlData(JOB_ARTIFACT, { id: jobGid }, alice.token);
    const artifact = res.trainingJob?.artifact;
    expect(artifact?.status).toBe('STORED');
    model = artifact!;
    expect(ready[0]).toMatchObject({ priority: 'NORMAL', link: `/models/${model.id}`, readAt: null });
    expect(ready[0]?.metadata).toMatchObject({ modelId: model.id, jobId: jobGid });

    // Every provider file, byte for byte as the provider announced it, plus our model card.
    expect(model.files.map((f) => f.name)).toEqual(['README.md', ...PROVIDER_FILES]);
    const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(jobGid) } });
    const announced = (await t.app.services.gpu.status(job.externalJobId!, job.totalSteps)).artifacts;
    expect(announced.map((a) => a.name).sort()).toEqual(PROVIDER_FILES);
    for (const a of announced) {
      expect(model.files.find((f) => f.name === a.name)).toMatchObject({ size: a.size, sha256: a.sha256, contentType: a.contentType });
    }
    const stored = await db.artifactFile.findMany({ where: { artifactId: rawId(model.id) } });
    for (const f of stored) expect(f.storagePath).toBe(`${alice.id}/${rawId(model.id)}/${f.name}`);
    expect(model.totalSize).toBe(model.files.reduce((s, f) => s + f.size, 0));

    // Lineage.
    expect(model.job).toEqual({ id: jobGid, status: 'COMPLETED' });
    expect(model.dataset?.id).toBe(datasetId);
    expect(model.baseModel.id).toBe(job.baseModelId);
    expect(model.hyperparameters).toMatchObject({ epochs: 1, learningRate: 1e-4, loraRank: 8, loraAlpha: 16 });
  });

  it('returns signed URLs whose bytes match the recorded size and sha256', async () => {
    const res = await t.gqlData(DOWNLOAD, { id: model.id }, alice.token);
    const download = ofType(res.createModelDownload, 'ModelDownloadPayload');
    expect(download.files).toHaveLength(5);
    const day = Date.now() + 24 * 3600 * 1000;
    expect(Math.abs(Date.parse(download.expiresAt) - day)).toBeLessThan(60_000);
    for (const file of download.files) {
      const recorded = model.files.find((f) => f.name === file.name);
      expect(file).toMatchObject({ size: recorded?.size, sha256: recorded?.sha256 });
      const response = await fetch(file.url);
      expect(response.status).toBe(200);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes.length).toBe(file.size);
      expect(sha256(bytes)).toBe(file.sha256);
    }
    // The model card carries the training summary.
    const card = await (await fetch(download.files.find((f) => f.name === 'README.md')?.url ?? '')).text();
    const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(jobGid) } });
    expect(card).toContain(`base_model: ${job.baseModelId}`);
    expect(card).toContain('test data'); // the dataset's name
    expect(card).toContain(`| Steps | ${job.currentStep} of ${job.totalSteps} |`);
    expect(card).toContain(`| Cost | ${job.finalCost!.toFixed(6)} USD |`);
    expect(card).toContain('| learningRate | 0.0001 |');
    expect(card).toContain(`| Final validation loss | ${model.quality?.finalValidationLoss?.toFixed(4)} |`);
    const safetensors = model.files.find((f) => f.name === 'adapter_model.safetensors');
    expect(card).toContain(`| adapter_model.safetensors | ${safetensors?.size} | \`${safetensors?.sha256}\` |`);
  });

  it('measures quality from the stored metric points', async () => {
    const points = await db.metricPoint.findMany({ where: { jobId: rawId(jobGid) }, orderBy: { step: 'asc' } });
    const training = points.filter((p) => p.trainingLoss !== null).map((p) => p.trainingLoss!);
    const validation = points.filter((p) => p.validationLoss !== null).map((p) => p.validationLoss!);
    expect(validation.length).toBeGreaterThan(0);
    const edge = Math.max(1, Math.ceil(training.length * 0.05));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const reduction = 1 - mean(training.slice(-edge)) / mean(training.slice(0, edge));
    const q = model.quality;
    if (!q) throw new Error('the stored model has no quality');
    expect(q.finalTrainingLoss).toBeCloseTo(training.at(-1)!, 10);
    expect(q.finalValidationLoss).toBeCloseTo(validation.at(-1)!, 10);
    expect(q.bestValidationLoss).toBeCloseTo(Math.min(...validation), 10);
    expect(q.perplexity).toBeCloseTo(Math.exp(validation.at(-1)!), 8);
    expect(q.lossReduction).toBeCloseTo(reduction, 10);
    const curve = points.filter((p) => p.validationLoss !== null).map((p) => ({ step: p.step, value: p.validationLoss! }));
    expect(q.bestValidationStep).toBe(bestPoint(curve)!.step);
    const expected = rate({ ...q, overfit: detectOverfit(curve) });
    expect(q.rating).toBe(expected.rating);
    expect(q.warnings).toEqual(expected.warnings);
    expect(q.rating).toBeGreaterThanOrEqual(1);
    expect(q.rating).toBeLessThanOrEqual(5);
  });

  it("lists the caller's models newest first; someone else's is not found", async () => {
    const mine = await t.gqlData(MY_MODELS, {}, alice.token);
    expect(mine.models.edges.map((e) => e.node.id)).toContain(model.id);
    expect((await t.gqlData(MODEL, { id: model.id }, alice.token)).model?.id).toBe(model.id);

    const theirs = await t.gqlData(THEIR_MODELS, {}, bob.token);
    expect(theirs.models).toEqual({ totalCount: 0, edges: [] });
    expect((await t.gqlData(MODEL, { id: model.id }, bob.token)).model).toBeNull();
    const readme = model.files[0]!;
    expect((await t.gqlData(NODE, { id: model.id }, bob.token)).node).toBeNull();
    expect((await t.gqlData(NODE, { id: readme.id }, bob.token)).node).toBeNull();
    expect((await t.gqlData(NODE, { id: model.id }, alice.token)).node).toEqual({ id: model.id, status: 'STORED' });
    expect((await t.gqlData(NODE, { id: readme.id }, alice.token)).node).toEqual({ id: readme.id, name: 'README.md' });
    const download = (await t.gqlData(DOWNLOAD, { id: model.id }, bob.token)).createModelDownload;
    expect(download.__typename).toBe('NotFoundError');
    const missing = (await t.gqlData(DOWNLOAD, { id: Buffer.from(`Model:${crypto.randomUUID()}`).toString('base64') }, alice.token)).createModelDownload;
    expect(missing.__typename).toBe('NotFoundError');
  });
});

describe('duplicates make one of everything', () => {
  it('duplicate completion callbacks, a second COMPLETED transition and re-runs of the artifact job: one artifact, one final cost record, one notification each', async () => {
    // The provider sends every delivery twice, the completion included.
    t.gpu!.setFaults({ duplicateRate: 1 });
    let jobId: string;
    try {
      const created = await createJob(t, alice.token, { datasetId, name: 'duplicated callbacks' });
      jobId = rawId(created.trainingJob.id);
      expect((await followJob(t, alice.token, created.trainingJob.id)).at(-1).status).toBe('COMPLETED');
    } finally {
      t.gpu!.setFaults({});
    }
    const first = await settledArtifact(jobId);
    expect(first.status).toBe('STORED');
    const job = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });

    // The completion again: through the webhook (refused: the job has ended), applied directly, as a transition,
    // and the artifact job re-run, queued again and raced.
    const status = await t.app.services.gpu.status(job.externalJobId!, 0);
    const token = await signCallbackToken(t.app.services.secret, jobId, 3600);
    const replay = await fetch(`${t.url}/webhooks/gpu/simulated`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-callback-token': token },
      body: JSON.stringify({ ...status, deliveryId: 'replayed-completion', jobId, sentAt: new Date().toISOString() }),
    });
    expect(replay.status).toBe(409);
    await applyProviderReport(t.app.services, jobId, status);
    expect(await transitionJob(t.app.services, jobId, 'COMPLETED', { message: 'again' })).toBeNull();
    await Promise.all([storeModelArtifact(t.app.services, jobId), storeModelArtifact(t.app.services, jobId), createArtifactWorker.handle({ jobId }, jobContext(0))]);
    await t.app.services.jobs.enqueue(createArtifactJob, { jobId }, { singletonKey: jobId });
    // The queue has run both: the one the COMPLETED transition queued, and the re-run.
    for (const until = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const { rows } = await pool.query<{ state: string }>(`SELECT state::text FROM ${t.config.database.queueSchema}.job WHERE name = $1 AND data->>'jobId' = $2`, [
        createArtifactJob.name,
        jobId,
      ]);
      if (rows.length === 2 && rows.every((r) => r.state === 'completed')) break;
      if (Date.now() > until) throw new Error(`artifact jobs not done: ${JSON.stringify(rows)}`);
    }

    expect(await db.modelArtifact.count({ where: { jobId } })).toBe(1);
    const again = await db.modelArtifact.findUniqueOrThrow({ where: { jobId } });
    expect(again).toMatchObject({ id: first.id, status: 'STORED', storedAt: first.storedAt });
    expect(await db.artifactFile.count({ where: { artifactId: first.id } })).toBe(5);
    expect(await db.costRecord.count({ where: { jobId, dedupeKey: `job:${jobId}:compute:final` } })).toBeLessThanOrEqual(1);
    const records = await db.costRecord.findMany({ where: { jobId } });
    expect(new Set(records.map((r) => r.dedupeKey)).size).toBe(records.length);
    const sum = records.reduce((acc, r) => acc + BigInt(r.amount.mul(1_000_000).toFixed(0)), 0n);
    expect(sum).toBe(BigInt(job.finalCost!.mul(1_000_000).toFixed(0)));
    const notes = await db.notification.groupBy({ by: ['type'], where: { ownerId: alice.id, metadata: { path: ['jobId'], equals: jobId } }, _count: true });
    expect(Object.fromEntries(notes.map((n) => [n.type, n._count]))).toEqual({ JOB_QUEUED: 1, JOB_STARTED: 1, JOB_COMPLETED: 1, ARTIFACT_READY: 1 });
  });
});

describe('a copy that cannot succeed', () => {
  it('is retried, then FAILED with the reason after the last try; the owner is told once (HIGH); downloads are refused', async () => {
    // A COMPLETED job of its own whose provider serves corrupted bytes: its row copies a stored run's figures.
    const source = await db.trainingJob.findFirstOrThrow({ where: { ownerId: alice.id, status: 'COMPLETED' } });
    const { id: _id, idempotencyKey: _key, ...fields } = source;
    const job = await db.trainingJob.create({
      data: {
        ...fields,
        name: 'corrupted files',
        provider: 'corrupting',
        hyperparameters: source.hyperparameters as object,
        estimate: source.estimate as object,
        latestMetrics: undefined,
      },
    });
    const real = t.app.services.gpu;
    const corrupting: GpuProvider = {
      ...real,
      status: (externalId, afterStep) => real.status(source.externalJobId!, afterStep).then((s) => ({ ...s, externalId })),
      openArtifact: async (artifact) => Readable.from([Buffer.from(`not the bytes of ${artifact.name}`)]),
    };
    const ctx = (retryCount: number): JobContext => ({ ...jobContext(retryCount), services: { ...t.app.services, gpu: corrupting } });

    await expect(createArtifactWorker.handle({ jobId: job.id }, ctx(0))).rejects.toThrow(/sha256/);
    expect((await db.modelArtifact.findUniqueOrThrow({ where: { jobId: job.id } })).status).toBe('PENDING');
    await createArtifactWorker.handle({ jobId: job.id }, ctx(ARTIFACT_RETRY_LIMIT));
    await createArtifactWorker.handle({ jobId: job.id }, ctx(ARTIFACT_RETRY_LIMIT)); // delivered twice

    const artifact = await db.modelArtifact.findUniqueOrThrow({ where: { jobId: job.id } });
    expect(artifact.status).toBe('FAILED');
    expect(artifact.failureReason).toMatch(/sha256/);
    expect(await db.artifactFile.count({ where: { artifactId: artifact.id } })).toBe(0);
    const told = await db.notification.findMany({ where: { ownerId: alice.id, type: 'ARTIFACT_FAILED', metadata: { path: ['jobId'], equals: job.id } } });
    expect(told).toHaveLength(1);
    expect(told[0]!.priority).toBe('HIGH');

    const modelGid = Buffer.from(`Model:${artifact.id}`).toString('base64');
    const refused = (await t.gqlData(DOWNLOAD, { id: modelGid }, alice.token)).createModelDownload;
    expect(refused).toMatchObject({ __typename: 'ModelNotReadyError', status: 'FAILED' });
    const shown = (await t.gqlData(MODEL, { id: modelGid }, alice.token)).model;
    expect(shown).toMatchObject({ status: 'FAILED', files: [], quality: null });
    expect(shown?.failureReason).toMatch(/sha256/);
  });
});

describe('the models page', () => {
  it('costs the same number of SQL statements for 1 model as for 3, files, job and dataset included', async () => {
    expect(await db.modelArtifact.count({ where: { ownerId: alice.id } })).toBeGreaterThanOrEqual(3);
    const statements = async (first: number) => {
      let fewest = Infinity;
      for (let i = 0; i < 3; i++) {
        // the fewest of three: a background publish may land in one measurement
        const before = statementCounter.count;
        const res = await t.gqlData(PAGE, { first }, alice.token);
        expect(res.models.edges).toHaveLength(first);
        fewest = Math.min(fewest, statementCounter.count - before);
      }
      return fewest;
    };
    expect(await statements(3)).toBe(await statements(1));
  });
});
