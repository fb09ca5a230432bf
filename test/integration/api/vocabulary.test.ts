// One vocabulary for clients: every id the API gives out, in error fields,
// notification metadata and notification links, is the global id the API
// takes; notification metadata names each kind of object with one key; and
// every money amount reads in one format.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../gql/index.js';
import { db, pool } from '../../../server/db/client.js';
import { readMigrations } from '../../../server/db/migrate.js';
import { createNotification } from '../../../server/notifications/notify.js';
import { startTestApp, wsOnce, type TestApp } from '../../helpers/app.js';
import { ofType } from '../../helpers/graphql-client.js';
import { chatExample, createDatasetFor, jsonl } from '../../helpers/datasets.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { storedModel, type StoredModel } from '../../helpers/models.js';
import { rawId } from '../../helpers/processes.js';
import { jobRow, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let datasetId: string;
let model: StoredModel;

beforeAll(async () => {
  t = await startTestApp();
  alice = await createUser(t);
  datasetId = await readyDataset(t, alice.token);
  model = await storedModel(t, alice.token, { datasetId, maxCostUsd: '5' });
}, 120_000);
afterAll(() => t?.stop());

/** The GraphQL type an id names, when it is a global id the API can look up. */
const NODE_TYPE = graphql(`query VocabularyNodeType($id: ID!) { node(id: $id) { __typename } }`);

async function nodeType(id: string): Promise<string | null> {
  const res = await t.gql(NODE_TYPE, { id }, alice.token);
  return res.body.data?.node?.__typename ?? null;
}

graphql(`fragment VocabularyError on Error { __typename message ... on NotFoundError { id type } }`);
const CONFIRM = graphql(`
  mutation VocabularyConfirm($id: ID!) {
    confirmDatasetUpload(id: $id) { ...VocabularyError ... on UploadMissingError { datasetId } }
  }
`);
const ESTIMATE = graphql(`
  query VocabularyEstimate($input: EstimateTrainingCostInput!) {
    estimateTrainingCost(input: $input) { ...VocabularyError ... on DatasetNotReadyError { datasetId } }
  }
`);
const DELETE = graphql(`
  mutation VocabularyDelete($id: ID!) {
    deleteDataset(id: $id) { ...VocabularyError ... on DatasetInUseError { activeJobIds } }
  }
`);
const CANCEL = graphql(`
  mutation VocabularyCancel($id: ID!) {
    cancelTrainingJob(id: $id) { ...VocabularyError ... on JobAlreadyFinishedError { jobId } }
  }
`);
const DOWNLOAD = graphql(`
  mutation VocabularyDownload($id: ID!) {
    createModelDownload(id: $id) { ...VocabularyError ... on ModelNotReadyError { modelId } }
  }
`);
const JOB_UPDATED = graphql(`subscription VocabularyJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }`);
const NOTIFICATIONS = graphql(`
  query VocabularyNotifications { notifications(first: 100) { edges { node { type link metadata } } } }
`);
const AMOUNTS = graphql(`
  query VocabularyAmounts($id: ID!, $from: DateTime!, $to: DateTime!) {
    gpuTypes { hourlyRateUsd }
    trainingJob(id: $id) {
      estimatedCost
      maxCost
      currentCost
      finalCost
      estimate { hourlyRateUsd costUsd breakdown { costUsd } low { costUsd } high { costUsd } }
    }
    costSummary(from: $from, to: $to, groupBy: MONTH) {
      __typename
      ... on CostSummary { total byType { total } monthComparison { thisMonth lastMonth lastMonthToDate } }
    }
  }
`);

/** Notification metadata is JSON: its keys, read as the API sends them. */
const metadataOf = (node: { metadata?: unknown }) => (node.metadata ?? {}) as Record<string, unknown>;

describe('error fields', () => {
  it('carry the global ids the API takes, and messages carry no other form of id', async () => {
    const missing = encodeGlobalID('Dataset', crypto.randomUUID());
    const notFound = ofType((await t.gqlData(CONFIRM, { id: missing }, alice.token)).confirmDatasetUpload, 'NotFoundError');
    expect(notFound).toMatchObject({ type: 'Dataset', id: missing });
    expect(notFound.message).not.toContain(rawId(missing));

    const { dataset: uploading } = await createDatasetFor(t, alice.token, jsonl([chatExample(1)]));
    expect((await t.gqlData(CONFIRM, { id: uploading.id }, alice.token)).confirmDatasetUpload).toMatchObject({ __typename: 'UploadMissingError', datasetId: uploading.id });
    const notReady = ofType(
      (await t.gqlData(ESTIMATE, { input: { datasetId: uploading.id, gpu: { type: 'A100-80GB', count: 1 } } }, alice.token)).estimateTrainingCost,
      'DatasetNotReadyError',
    );
    expect(notReady).toMatchObject({ datasetId: uploading.id });

    // Rows nothing moves on its own: a RUNNING job on the dataset, a COMPLETED one whose model could not be stored.
    const running = await db.trainingJob.create({ data: { ...jobRow(alice.id, rawId(datasetId), 'RUNNING'), startedAt: new Date() } });
    const finished = await db.trainingJob.create({ data: jobRow(alice.id, rawId(datasetId), 'COMPLETED') });
    const failedModel = await db.modelArtifact.create({
      data: {
        ownerId: alice.id,
        jobId: finished.id,
        datasetId: rawId(datasetId),
        name: 'not stored',
        baseModelId: finished.baseModelId,
        hyperparameters: {},
        storagePrefix: `${alice.id}/x/`,
        status: 'FAILED',
        failureReason: 'test',
      },
    });
    const inUse = ofType((await t.gqlData(DELETE, { id: datasetId }, alice.token)).deleteDataset, 'DatasetInUseError');
    expect(inUse).toMatchObject({ activeJobIds: [encodeGlobalID('TrainingJob', running.id)] });
    await db.trainingJob.update({ where: { id: running.id }, data: { status: 'FAILED', completedAt: new Date() } });
    const ended = (await t.gqlData(CANCEL, { id: encodeGlobalID('TrainingJob', finished.id) }, alice.token)).cancelTrainingJob;
    expect(ended).toMatchObject({ __typename: 'JobAlreadyFinishedError', jobId: encodeGlobalID('TrainingJob', finished.id) });
    const notStored = ofType((await t.gqlData(DOWNLOAD, { id: encodeGlobalID('Model', failedModel.id) }, alice.token)).createModelDownload, 'ModelNotReadyError');
    expect(notStored).toMatchObject({ modelId: encodeGlobalID('Model', failedModel.id) });
    expect(notStored.message).not.toContain(failedModel.id);

    // Each id goes straight back into the API.
    expect(await nodeType(inUse.activeJobIds[0]!)).toBe('TrainingJob');
    expect(await nodeType(notStored.modelId)).toBe('Model');
    expect(await nodeType(notReady.datasetId)).toBe('Dataset');

    const subscription = await wsOnce(t.ws(alice.token), JOB_UPDATED, { id: encodeGlobalID('TrainingJob', failedModel.id) });
    expect(subscription.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(subscription.errors?.[0]?.message).not.toContain(failedModel.id);
  });
});

describe('notifications', () => {
  const list = async () => (await t.gqlData(NOTIFICATIONS, {}, alice.token)).notifications.edges.map((e) => e.node);

  it('name what they are about with one key per kind of object, by global id, and link to the routes the web client takes', async () => {
    const byType = Object.fromEntries((await list()).map((n) => [n.type, n]));
    expect(byType.DATASET_VALIDATED).toMatchObject({ link: `/datasets/${datasetId}`, metadata: { datasetId } });
    for (const type of ['JOB_QUEUED', 'JOB_STARTED', 'JOB_COMPLETED']) {
      expect(byType[type]).toMatchObject({ link: `/training/jobs/${model.jobId}`, metadata: { jobId: model.jobId } });
    }
    expect(byType.ARTIFACT_READY).toMatchObject({ link: `/models/${model.modelId}`, metadata: { modelId: model.modelId, jobId: model.jobId } });
    const idKeys = new Set((await list()).flatMap((n) => Object.keys(metadataOf(n)).filter((key) => key.endsWith('Id'))));
    expect([...idKeys].sort()).toEqual(['datasetId', 'jobId', 'modelId']);
    expect(await nodeType(metadataOf(byType.ARTIFACT_READY!).jobId as string)).toBe('TrainingJob');
  });

  it('read the same from rows stored before, once migrated', async () => {
    const job = rawId(model.jobId);
    const model_ = rawId(model.modelId);
    const old = await createNotification({
      ownerId: alice.id,
      type: 'ARTIFACT_FAILED',
      title: 'stored the old way',
      message: '…',
      link: `/models/${model_}`,
      metadata: { modelId: model_, trainingJobId: job },
      dedupeKey: `test:${crypto.randomUUID()}`,
    });
    const migration = readMigrations().find((m) => m.name.endsWith('_notification_job_key'));
    expect(migration).toBeDefined();
    await pool.query(migration!.sql);
    expect((await db.notification.findUniqueOrThrow({ where: { id: old! } })).metadata).toEqual({ modelId: model_, jobId: job });
    const read = (await list()).find((n) => n.type === 'ARTIFACT_FAILED');
    expect(read).toMatchObject({ link: `/models/${model.modelId}`, metadata: { modelId: model.modelId, jobId: model.jobId } });
  });
});

describe('money', () => {
  const SIX_DECIMALS = /^-?\d+\.\d{6}$/;

  it('reads as a decimal string with six decimals wherever the API gives an amount', async () => {
    const { gpuTypes, trainingJob, costSummary } = await t.gqlData(
      AMOUNTS,
      { id: model.jobId, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() },
      alice.token,
    );
    const job = trainingJob!;
    const summary = ofType(costSummary, 'CostSummary');
    expect(job.maxCost).toBe('5.000000');
    expect(gpuTypes.map((g) => g.hourlyRateUsd)).toContain('3.500000');
    const amounts = [
      ...gpuTypes.map((g) => g.hourlyRateUsd),
      job.estimatedCost,
      job.maxCost,
      job.currentCost,
      job.finalCost,
      job.estimate?.hourlyRateUsd,
      job.estimate?.costUsd,
      job.estimate?.low.costUsd,
      job.estimate?.high.costUsd,
      ...(job.estimate?.breakdown ?? []).map((l) => l.costUsd),
      summary.total,
      ...summary.byType.map((b) => b.total),
      summary.monthComparison.thisMonth,
      summary.monthComparison.lastMonth,
      summary.monthComparison.lastMonthToDate,
    ];
    for (const amount of amounts) expect(amount).toMatch(SIX_DECIMALS);
  });

  it('reads the same inside notification metadata', async () => {
    const job = rawId(model.jobId);
    await createNotification({
      ownerId: alice.id,
      type: 'COST_CAP_REACHED',
      title: 'cap',
      message: '…',
      link: `/training/jobs/${job}`,
      metadata: { jobId: job, costUsd: '0.10', maxCostUsd: '0.1' },
      dedupeKey: `test:${crypto.randomUUID()}`,
    });
    const { notifications } = await t.gqlData(NOTIFICATIONS, {}, alice.token);
    const cap = notifications.edges.map((e) => e.node).find((n) => n.type === 'COST_CAP_REACHED');
    expect(cap?.metadata).toEqual({ jobId: model.jobId, costUsd: '0.100000', maxCostUsd: '0.100000' });
  });
});
