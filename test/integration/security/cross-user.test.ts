// A second user calls every root field that takes an id (queries and mutations
// over HTTP, subscriptions over graphql-ws) with the first user's ids. Each
// answer must be the one a random id of the same type gets (the object looks
// like it does not exist), and nothing of the first user's may change: their
// rows, the rows that point at them, their queued work, their stored files and
// what they see through the API. The fields come from the schema: a new field
// that takes an id fails here until cross-user-calls.ts says how to call it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { OperationTypeNode, parse, validate, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../../schema/index.js';
import { defaultBaseModel } from '../../../server/catalog/base-models.js';
import { db, pool } from '../../../server/db/client.js';
import { findPreset, presetHyperparameters } from '../../../server/catalog/training.js';
import { startTestApp, wsOnce, type TestApp } from '../../helpers/app.js';
import { chatExample, createDatasetFor, CREATE_DATASET, jsonl, put } from '../../helpers/datasets.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';
import { storedModel } from '../../helpers/models.js';
import { createEndpoint, sendTestEvent } from '../../helpers/outbound-webhooks.js';
import { readyDataset, storedEstimate } from '../../helpers/training.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { CALLS, idArguments, JOB_IDEMPOTENCY_KEY, type Target } from './cross-user-calls.js';

let t: TestApp;
let receiver: WebhookReceiver;
let alice: TestUser;
let bob: TestUser;
let owned: Record<Target, string[]>;
/** In the names of alice's objects: it must never reach bob. */
const MARKER = `alice-private-${randomUUID()}`;
const DATASET_KEY = `dataset-${randomUUID()}`;

const decode = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':') as [string, string];
const rawId = (globalId: string) => decode(globalId)[1];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
  [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
  const dataset = await readyDataset(t, alice.token);
  const model = await storedModel(t, alice.token, { datasetId: dataset, name: `${MARKER} job`, idempotencyKey: JOB_IDEMPOTENCY_KEY });
  // Uploaded but not confirmed: confirming it would start validation.
  const file = jsonl(Array.from({ length: 12 }, (_, i) => chatExample(i)));
  const uploaded = await createDatasetFor(t, alice.token, file, { name: `${MARKER} upload`, idempotencyKey: DATASET_KEY });
  if (!(await put(uploaded.upload, file)).ok) throw new Error('upload failed');
  const runningJob = await insertRunningJob(rawId(dataset));
  const key = await t.gql(
    `mutation($name: String!) { createApiKey(input: { name: $name }) { ... on CreateApiKeyPayload { apiKey { id } } } }`,
    { name: `${MARKER} key` },
    alice.token,
  );
  const unread = await t.gql('{ notifications(first: 1, unreadOnly: true) { edges { node { id } } } }', {}, alice.token);
  const me = await t.gql('{ me { id } }', {}, alice.token);
  const budget = await t.gql(SET_BUDGET, { input: { amountUsd: '1000', hardStop: false, timeZone: 'Europe/Berlin' } }, alice.token);
  if (budget.body.data?.setBudget.__typename !== 'SetBudgetPayload') throw new Error(`setting alice's budget failed: ${JSON.stringify(budget.body)}`);
  // Created after the rest: the matrix's changes never send it an event of the setup's.
  const endpoint = await createEndpoint(t, alice.token, { url: `${receiver.url}/alice`, eventTypes: ['MODEL_STORED'], description: `${MARKER} endpoint` });
  const delivery = await sendTestEvent(t, alice.token, endpoint.id);
  owned = {
    user: [me.body.data.me.id],
    dataset: [dataset],
    uploadedDataset: [uploaded.dataset.id],
    completedJob: [model.jobId],
    runningJob: [encodeGlobalID('TrainingJob', runningJob)],
    model: [model.modelId],
    modelFiles: model.files.map((f) => f.id),
    notification: [unread.body.data.notifications.edges[0].node.id],
    apiKey: [key.body.data.createApiKey.apiKey.id],
    webhookEndpoint: [endpoint.id],
    webhookDelivery: [delivery.id],
  };
  await settled();
}, 180_000);
afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

/** A job written straight into the database as RUNNING with a few points: nothing moves it on its own. */
async function insertRunningJob(datasetId: string): Promise<string> {
  const model = defaultBaseModel();
  const job = await db.trainingJob.create({
    data: {
      ownerId: alice.id,
      datasetId,
      name: `${MARKER} running`,
      presetId: 'fast',
      baseModelId: model.id,
      hyperparameters: { ...presetHyperparameters(findPreset('fast')!, model) },
      gpuType: 'A100-80GB',
      gpuCount: 1,
      totalEpochs: 1,
      totalSteps: 100,
      currentStep: 3,
      estimate: storedEstimate() as object,
      estimatedCost: '0.50',
      provider: 'simulated',
      status: 'RUNNING',
      stage: 'TRAINING',
      startedAt: new Date(),
    },
  });
  await db.metricPoint.createMany({ data: [1, 2, 3].map((step) => ({ jobId: job.id, step, epoch: step / 100, trainingLoss: 3 - step / 10 })) });
  return job.id;
}

// ---- What alice has: rows, queued work, files and her own view of it all.

const JOBS = `SELECT id FROM "TrainingJob" WHERE "ownerId" = $1`;
const ROWS: Record<string, string> = {
  User: `SELECT * FROM "User" WHERE id = $1`,
  ApiKey: `SELECT * FROM "ApiKey" WHERE "ownerId" = $1`,
  Dataset: `SELECT * FROM "Dataset" WHERE "ownerId" = $1`,
  // Also anyone's job or model made from her datasets.
  TrainingJob: `SELECT * FROM "TrainingJob" WHERE "ownerId" = $1 OR "datasetId" IN (SELECT id FROM "Dataset" WHERE "ownerId" = $1)`,
  ModelArtifact: `SELECT * FROM "ModelArtifact" WHERE "ownerId" = $1 OR "jobId" IN (${JOBS}) OR "datasetId" IN (SELECT id FROM "Dataset" WHERE "ownerId" = $1)`,
  ArtifactFile: `SELECT * FROM "ArtifactFile" WHERE "artifactId" IN (SELECT id FROM "ModelArtifact" WHERE "ownerId" = $1)`,
  MetricPoint: `SELECT * FROM "MetricPoint" WHERE "jobId" IN (${JOBS})`,
  TrainingJobEvent: `SELECT * FROM "TrainingJobEvent" WHERE "jobId" IN (${JOBS})`,
  WebhookReceipt: `SELECT * FROM "WebhookReceipt" WHERE "jobId" IN (${JOBS})`,
  CostRecord: `SELECT * FROM "CostRecord" WHERE "ownerId" = $1 OR "jobId" IN (${JOBS})`,
  CostDaily: `SELECT * FROM "CostDaily" WHERE "ownerId" = $1`,
  Notification: `SELECT * FROM "Notification" WHERE "ownerId" = $1`,
  Budget: `SELECT * FROM "Budget" WHERE "ownerId" = $1`,
  WebhookEndpoint: `SELECT * FROM "WebhookEndpoint" WHERE "ownerId" = $1`,
  WebhookEvent: `SELECT * FROM "WebhookEvent" WHERE "ownerId" = $1`,
  WebhookDelivery: `SELECT * FROM "WebhookDelivery" WHERE "ownerId" = $1 OR "endpointId" IN (SELECT id FROM "WebhookEndpoint" WHERE "ownerId" = $1)`,
  WebhookAttempt: `SELECT * FROM "WebhookAttempt" WHERE "deliveryId" IN (SELECT id FROM "WebhookDelivery" WHERE "ownerId" = $1)`,
};

const SET_BUDGET = `mutation($input: SetBudgetInput!) { setBudget(input: $input) { __typename ... on SetBudgetPayload { budget { amount hardStop timeZone spent } } } }`;
const BUDGET = `{ budget { amount hardStop timeZone month spent committed remaining thresholds { percent reachedAt } } }`;

const VIEW = `query($from: DateTime!, $to: DateTime!) {
  me { id email apiKeys(first: 50) { totalCount edges { node { id name revokedAt lastUsedAt } } } }
  datasets(first: 50) { totalCount edges { node { id status updatedAt deletedAt } } }
  trainingJobs(first: 50) { totalCount edges { node { id status updatedAt cancelRequestedAt currentCost finalCost artifact { id status updatedAt files { id sha256 } } } } }
  models(first: 50) { totalCount edges { node { id status updatedAt } } }
  notifications(first: 100) { totalCount edges { node { id readAt } } }
  unreadNotificationCount
  costSummary(from: $from, to: $to) { ... on CostSummary { total } }
  budget { amount hardStop timeZone month thresholds { percent reachedAt } updatedAt }
}`;
const viewRange = { from: new Date(Date.now() - 30 * 86400_000).toISOString(), to: new Date(Date.now() + 86400_000).toISOString() };

async function aliceState() {
  const rows: Record<string, unknown> = {};
  for (const [table, sql] of Object.entries(ROWS)) {
    const {
      rows: [{ all }],
    } = await pool.query(`SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY to_jsonb(r)::text), '[]') AS all FROM (${sql}) r`, [alice.id]);
    rows[table] = all;
  }
  // Work queued about any of her rows (a validation, a submission, a cancel at the provider).
  const ids = await pool.query(
    `SELECT id::text FROM "Dataset" WHERE "ownerId" = $1 UNION ALL SELECT id::text FROM "TrainingJob" WHERE "ownerId" = $1
     UNION ALL SELECT id::text FROM "ModelArtifact" WHERE "ownerId" = $1 UNION ALL SELECT id::text FROM "WebhookDelivery" WHERE "ownerId" = $1`,
    [alice.id],
  );
  const queued = await pool.query(`SELECT id::text, name FROM ${t.config.database.queueSchema}.job WHERE data::text ~ $1 ORDER BY id`, [ids.rows.map((r) => r.id).join('|')]);
  const view = await t.gql(VIEW, viewRange, alice.token);
  return { rows, queued: queued.rows, files: await filesOf(alice.id), view: view.body };
}

/** Every stored file under the owner's folders, with size and modification time. */
async function filesOf(ownerId: string): Promise<string[]> {
  const { storage } = t.config;
  assert(storage.driver === 'local');
  const root = storage.localRoot;
  const files: string[] = [];
  for (const bucket of Object.values(storage.buckets)) {
    const entries = await readdir(path.join(root, bucket, ownerId), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries.filter((e) => e.isFile())) {
      const file = path.join(entry.parentPath, entry.name);
      const info = await stat(file);
      files.push(`${path.relative(root, file)} ${info.size} ${info.mtimeMs}`);
    }
  }
  return files.sort();
}

/** Waits until the background work of the setup (artifact, notifications, cost settlement) has stopped changing things. */
async function settled() {
  let last = await aliceState();
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await aliceState();
    if (isDeepStrictEqual(now, last)) return;
    last = now;
  }
  throw new Error("alice's data kept changing after the setup");
}

// ---- Calling a field.

/** The first result of a subscription, or its error; a stream that sends nothing gives `silent`. */
async function firstResult(token: string, document: string, variables: Record<string, unknown>) {
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise((resolve) => (timer = setTimeout(() => resolve({ silent: true }), 20_000)));
  try {
    return await Promise.race([wsOnce(t.ws(token), document, variables), silent]);
  } finally {
    clearTimeout(timer);
  }
}

async function run(key: string, user: TestUser, id: string): Promise<unknown> {
  const call = CALLS[key]!;
  if (key.startsWith('Subscription.')) return { ws: await firstResult(user.token, call.document, call.variables(id)) };
  const res = await t.gql(call.document, call.variables(id), user.token);
  return { status: res.status, body: res.body };
}

/** A fresh id of the same type as `globalId`: an object that does not exist. */
const unknownLike = (globalId: string) => encodeGlobalID(decode(globalId)[0], randomUUID());

/** The answer with the id's text replaced, so answers about two ids can be compared. */
const normalise = (answer: unknown, globalId: string) => JSON.parse(JSON.stringify(answer).replaceAll(globalId, '<id>').replaceAll(rawId(globalId), '<id>'));

const cases = Object.entries(CALLS).flatMap(([key, call]) => call.targets.map((target) => ({ key, target })));

describe('the matrix', () => {
  it('has a call for every place a root field takes an id', () => {
    expect(Object.keys(CALLS).sort()).toEqual(idArguments(schema));
    for (const [key, call] of Object.entries(CALLS)) {
      expect({ key, tried: call.targets.length > 0 }).toEqual({ key, tried: true });
      const document = parse(call.document);
      expect(validate(schema, document).map((e) => `${key}: ${e.message}`)).toEqual([]);
      const operation = document.definitions[0] as OperationDefinitionNode;
      const field = operation.selectionSet.selections[0]!;
      const root = { [OperationTypeNode.QUERY]: 'Query', [OperationTypeNode.MUTATION]: 'Mutation', [OperationTypeNode.SUBSCRIPTION]: 'Subscription' }[operation.operation];
      expect(`${root}.${field.kind === 'Field' ? field.name.value : '?'}`).toBe(key.split('(')[0]);
    }
  });
});

describe("a second user with the first user's ids", () => {
  it.each(cases)("$key with alice's $target: as if it did not exist, and nothing changes", async ({ key, target }) => {
    for (const id of owned[target]) {
      const before = await aliceState();
      const attack = await run(key, bob, id);
      const unknown = unknownLike(id);
      const answer = await run(key, bob, unknown);
      expect(normalise(attack, id)).toEqual(normalise(answer, unknown));
      // Over HTTP a missing object is an ordinary answer (null or NotFoundError), not a server error.
      if (!key.startsWith('Subscription.')) expect(JSON.stringify(answer)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(attack)).not.toContain(MARKER);
      expect(JSON.stringify(attack)).not.toContain(alice.email);
      expect(await aliceState()).toEqual(before);
      // The same call reaches the object for its owner (mutations: below, once the matrix is done).
      if (!key.startsWith('Mutation.')) expect(normalise(await run(key, alice, id), id)).not.toEqual(normalise(answer, unknown));
    }
  });

  it("cannot use the first user's idempotency key to get their dataset", async () => {
    const before = await aliceState();
    const res = await t.gql(
      CREATE_DATASET,
      { input: { name: 'mine', fileName: 'a.jsonl', fileSize: 10, contentType: 'application/jsonl', idempotencyKey: DATASET_KEY } },
      bob.token,
    );
    const created = ofType(res.body.data?.createDataset, 'CreateDatasetPayload');
    expect(created.dataset.id).not.toBe(owned.uploadedDataset[0]);
    expect(JSON.stringify(res.body)).not.toContain(rawId(owned.uploadedDataset[0]!));
    expect(await aliceState()).toEqual(before);
  });
});

describe("the first user's budget", () => {
  // The budget takes and gives no id: each user reaches only their own, so a second user's calls must neither show nor change it.
  it('is invisible to a second user, whose setBudget and removeBudget change only their own', async () => {
    const before = await aliceState();
    expect((await t.gql(BUDGET, {}, bob.token)).body).toEqual({ data: { budget: null } });
    const set = await t.gql(SET_BUDGET, { input: { amountUsd: '5', hardStop: true, timeZone: 'UTC' } }, bob.token);
    expect(set.body.data.setBudget.budget).toMatchObject({ amount: '5.000000', hardStop: true, timeZone: 'UTC', spent: '0.000000' });
    expect((await t.gql(BUDGET, {}, bob.token)).body.data.budget.amount).toBe('5.000000');
    expect((await t.gql('mutation { removeBudget { removed } }', {}, bob.token)).body.data.removeBudget.removed).toBe(true);
    expect((await t.gql('mutation { removeBudget { removed } }', {}, bob.token)).body.data.removeBudget.removed).toBe(false);
    expect(await aliceState()).toEqual(before);
    expect((await t.gql(BUDGET, {}, alice.token)).body.data.budget).toMatchObject({ amount: '1000.000000', timeZone: 'Europe/Berlin' });
  });
});

describe('the same mutations by their owner', () => {
  // Run last: they change alice's objects. They prove the matrix's calls reach what they name.
  it.each(cases.filter((c) => c.key.startsWith('Mutation.')))("$key reaches alice's $target", async ({ key, target }) => {
    for (const id of owned[target]) {
      const unknown = unknownLike(id);
      expect(normalise(await run(key, alice, id), id)).not.toEqual(normalise(await run(key, bob, unknown), unknown));
    }
  });
});
