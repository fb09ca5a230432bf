// The graphcache updates of web/src/lib/cache.ts, run for real: the app's own documents go through urql's Client
// with the app's cache in front of a scripted server, and the lists are read back from the cache as a page would.
import { Client, getOperationName, makeResult, type Exchange, type Operation } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { filter, fromPromise, mergeMap, pipe } from 'wonka';
import {
  BudgetLeftDocument,
  CreateDatasetDocument,
  CreateTrainingJobDocument,
  DatasetListDocument,
  DeleteDatasetDocument,
  JobListDocument,
  JobRowUpdatedDocument,
  MarkAllNotificationsReadDocument,
  ModelListDocument,
  MyListsChangedDocument,
  NotificationAddedDocument,
  NotificationsDocument,
  type DatasetStatus,
  type ModelStatus,
  type TrainingJobStatus,
} from '../../../../web/src/gql/graphql';
import { createCache } from '../../../../web/src/lib/cache';

type Answer = (variables: Record<string, unknown>) => Record<string, unknown>;

/** A client with the app's cache over a server that answers each operation by name, counting what it was asked. */
function clientWith(answers: Record<string, Answer>) {
  const asked: string[] = [];
  const server: Exchange = () => (operations$) =>
    pipe(
      operations$,
      filter((operation: Operation) => operation.kind !== 'teardown'),
      // Answered a tick later, as over a network; a subscription sends one event and ends (so toPromise resolves).
      mergeMap((operation: Operation) => {
        const name = getOperationName(operation.query) ?? '';
        const answer = answers[name];
        if (!answer) throw new Error(`no answer scripted for ${name}`);
        asked.push(name);
        return fromPromise(Promise.resolve(makeResult(operation, { data: answer(operation.variables as Record<string, unknown>), hasNext: false })));
      }),
    );
  const client = new Client({ url: 'http://test/graphql', exchanges: [createCache(), server] });
  return { client, asked };
}

let serial = 0;
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

const qwen = { __typename: 'BaseModel', id: 'qwen', name: 'Qwen' };

function dataset(status: DatasetStatus, createdAt: string, name = `set ${++serial}`) {
  const file = { format: 'CHAT', fileName: 'chat.jsonl', fileSize: 1024, errorCount: 0, warningCount: 0 };
  const statistics = { __typename: 'DatasetStatistics', examples: 10, totalTokens: 900 };
  return { __typename: 'Dataset', id: `ds-${++serial}`, name, status, ...file, createdAt, deletedAt: null, baseModel: qwen, statistics };
}

function jobRow(status: TrainingJobStatus, createdAt: string) {
  const progress = { stage: null, progress: 0, currentStep: 0, totalSteps: 100, etaSeconds: null, cancelRequestedAt: null, costCapReachedAt: null, errorCode: null };
  const money = { currentCost: '0', estimatedCost: '1.50', finalCost: null, maxCost: null };
  const setup = {
    presetId: 'balanced',
    gpu: { __typename: 'GpuAllocation', type: 'A10G', count: 1 },
    dataset: { __typename: 'Dataset', id: 'ds-jobs', name: 'jobs set' },
    baseModel: qwen,
  };
  return { __typename: 'TrainingJob', id: `job-${++serial}`, name: `run ${serial}`, status, createdAt, ...progress, ...money, ...setup };
}

const jobListRow = (status: TrainingJobStatus, createdAt: string) => ({ ...jobRow(status, createdAt), latestMetrics: null, bestValidation: null });

function model(status: ModelStatus, createdAt: string) {
  const quality = { __typename: 'ModelQuality', rating: 4, finalValidationLoss: 0.5, bestValidationLoss: 0.4, finalTrainingLoss: 0.3, warnings: [] };
  const lineage = {
    baseModel: qwen,
    dataset: { __typename: 'Dataset', id: 'ds-models', name: 'models set' },
    job: { __typename: 'TrainingJob', id: `job-of-${serial}`, name: 'its run' },
  };
  return { __typename: 'Model', id: `model-${++serial}`, name: `adapter ${serial}`, status, createdAt, storedAt: null, totalSize: 2048, quality, ...lineage };
}

function notification(read: boolean, createdAt: string) {
  const text = { type: 'JOB_COMPLETED', title: 'Training finished', message: 'It went well.', priority: 'NORMAL', link: null, metadata: null };
  return { __typename: 'Notification', id: `n-${++serial}`, ...text, read, readAt: read ? createdAt : null, createdAt };
}

/** One page of a connection, as the server sends it. */
function page<Node extends { id: string }>(edgeTypename: string, connectionTypename: string, nodes: Node[]) {
  return {
    __typename: connectionTypename,
    totalCount: nodes.length,
    edges: nodes.map((node) => ({ __typename: edgeTypename, cursor: `c-${node.id}`, node })),
    pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: nodes.length ? `c-${nodes[nodes.length - 1]!.id}` : null },
  };
}

const ids = (list: { edges: { node: { id: string } }[] } | undefined) => list?.edges.map((edge) => edge.node.id);

describe('dataset lists', () => {
  it('a new dataset goes first in the lists it fits and stays out of the others', async () => {
    const old = dataset('READY', at(1));
    const created = dataset('UPLOADING', at(2));
    const { client } = clientWith({
      DatasetList: (vars) => ({ datasets: page('QueryDatasetsConnectionEdge', 'QueryDatasetsConnection', (vars.filter as { status?: string[] }).status ? [] : [old]) }),
      CreateDataset: () => ({
        createDataset: {
          __typename: 'CreateDatasetPayload',
          dataset: created,
          upload: { __typename: 'SignedUpload', url: 'http://storage/put', method: 'PUT', headers: {}, expiresAt: at(30) },
        },
      }),
    });
    const all = { first: 20, after: null, filter: {} };
    const invalid = { first: 20, after: null, filter: { status: ['INVALID' as const] } };
    await client.query(DatasetListDocument, all).toPromise();
    await client.query(DatasetListDocument, invalid).toPromise();

    await client.mutation(CreateDatasetDocument, { input: { name: created.name, baseModelId: 'qwen', fileName: 'chat.jsonl', fileSize: 1024 } as never }).toPromise();

    const allNow = client.readQuery(DatasetListDocument, all)?.data?.datasets;
    expect(ids(allNow)).toEqual([created.id, old.id]);
    expect(allNow?.totalCount).toBe(2);
    const invalidNow = client.readQuery(DatasetListDocument, invalid)?.data?.datasets;
    expect(ids(invalidNow)).toEqual([]);
    expect(invalidNow?.totalCount).toBe(0);
  });

  it('a deleted dataset leaves every list that held it', async () => {
    const kept = dataset('READY', at(1));
    const deleted = dataset('READY', at(2));
    const { client } = clientWith({
      DatasetList: () => ({ datasets: page('QueryDatasetsConnectionEdge', 'QueryDatasetsConnection', [deleted, kept]) }),
      DeleteDataset: () => ({ deleteDataset: { __typename: 'DatasetPayload', dataset: { __typename: 'Dataset', id: deleted.id, deletedAt: at(3) } } }),
    });
    const all = { first: 20, after: null, filter: {} };
    const ready = { first: 20, after: null, filter: { status: ['READY' as const] } };
    await client.query(DatasetListDocument, all).toPromise();
    await client.query(DatasetListDocument, ready).toPromise();

    await client.mutation(DeleteDatasetDocument, { id: deleted.id }).toPromise();

    for (const vars of [all, ready]) {
      const list = client.readQuery(DatasetListDocument, vars)?.data?.datasets;
      expect(ids(list)).toEqual([kept.id]);
      expect(list?.totalCount).toBe(1);
    }
  });
});

describe('job lists', () => {
  const active = { first: 20, after: null, filter: { status: ['QUEUED' as const, 'INITIALIZING' as const, 'RUNNING' as const] } };
  const completed = { first: 20, after: null, filter: { status: ['COMPLETED' as const] } };

  it('a new job is added where its status fits, and the budget is read again', async () => {
    const running = jobListRow('RUNNING', at(1));
    const created = jobListRow('QUEUED', at(2));
    const { client, asked } = clientWith({
      JobList: (vars) => ({
        trainingJobs: page('QueryTrainingJobsConnectionEdge', 'QueryTrainingJobsConnection', (vars.filter as { status: string[] }).status.includes('RUNNING') ? [running] : []),
      }),
      CreateTrainingJob: () => ({ createTrainingJob: { __typename: 'TrainingJobPayload', trainingJob: created } }),
      BudgetLeft: () => ({ budget: { __typename: 'Budget', amount: '100', month: '2026-01', hardStop: false, remaining: '98.50', leftAfterJob: '97' } }),
    });
    await client.query(JobListDocument, active).toPromise();
    await client.query(JobListDocument, completed).toPromise();
    await client.query(BudgetLeftDocument, { estimatedCost: '1.50' }).toPromise();

    await client.mutation(CreateTrainingJobDocument, { input: {} as never }).toPromise();

    expect(ids(client.readQuery(JobListDocument, active)?.data?.trainingJobs)).toEqual([created.id, running.id]);
    expect(ids(client.readQuery(JobListDocument, completed)?.data?.trainingJobs)).toEqual([]);
    await client.query(BudgetLeftDocument, { estimatedCost: '1.50' }).toPromise();
    expect(asked.filter((name) => name === 'BudgetLeft')).toHaveLength(2);
  });

  it('a job that completes leaves the active list, and the completed list is read again from the server', async () => {
    const job = jobListRow('RUNNING', at(1));
    let finished = false;
    const { client, asked } = clientWith({
      JobList: (vars) => {
        const wanted = (vars.filter as { status: string[] }).status;
        const rows = [{ ...job, status: finished ? 'COMPLETED' : 'RUNNING' }].filter((row) => wanted.includes(row.status));
        return { trainingJobs: page('QueryTrainingJobsConnectionEdge', 'QueryTrainingJobsConnection', rows) };
      },
      JobRowUpdated: () => ({ trainingJobUpdated: { ...jobRow('COMPLETED', job.createdAt), id: job.id, progress: 100 } }),
    });
    await client.query(JobListDocument, active).toPromise();
    await client.query(JobListDocument, completed).toPromise();
    expect(asked.filter((name) => name === 'JobList')).toHaveLength(2);

    finished = true;
    await client.subscription(JobRowUpdatedDocument, { id: job.id }).toPromise();

    const activeNow = client.readQuery(JobListDocument, active)?.data?.trainingJobs;
    expect(ids(activeNow)).toEqual([]);
    expect(activeNow?.totalCount).toBe(0);
    const completedNow = await client.query(JobListDocument, completed).toPromise();
    expect(asked.filter((name) => name === 'JobList')).toHaveLength(3);
    expect(ids(completedNow.data?.trainingJobs)).toEqual([job.id]);
  });
});

describe('model lists', () => {
  it('a model stored elsewhere goes first in the newest-first list; the list sorted by loss is read again', async () => {
    const older = model('STORED', at(1));
    const stored = model('STORED', at(2));
    const { client, asked } = clientWith({
      ModelList: () => ({ models: page('QueryModelsConnectionEdge', 'QueryModelsConnection', [older]) }),
      MyListsChanged: () => ({ myListsChanged: { __typename: 'ListChange', dataset: null, trainingJob: null, model: stored } }),
    });
    const newest = { first: 20, after: null, status: null, orderBy: 'NEWEST' as const };
    const byLoss = { first: 20, after: null, status: null, orderBy: 'BEST_VALIDATION_LOSS' as const };
    const failed = { first: 20, after: null, status: ['FAILED' as const], orderBy: 'NEWEST' as const };
    for (const vars of [newest, byLoss, failed]) await client.query(ModelListDocument, vars).toPromise();

    await client.subscription(MyListsChangedDocument, {}).toPromise();

    expect(ids(client.readQuery(ModelListDocument, newest)?.data?.models)).toEqual([stored.id, older.id]);
    expect(ids(client.readQuery(ModelListDocument, failed)?.data?.models)).toEqual([older.id]);
    const before = asked.length;
    await client.query(ModelListDocument, byLoss).toPromise();
    expect(asked.slice(before)).toEqual(['ModelList']);
  });
});

describe('notifications', () => {
  it('a new one counts as unread and heads both inboxes; marking all read empties the unread one', async () => {
    const seen = notification(true, at(1));
    const arrived = notification(false, at(2));
    const { client } = clientWith({
      Notifications: (vars) => ({
        unreadNotificationCount: 0,
        notifications: page('QueryNotificationsConnectionEdge', 'QueryNotificationsConnection', vars.unreadOnly ? [] : [seen]),
      }),
      NotificationAdded: () => ({ notificationAdded: arrived }),
      MarkAllNotificationsRead: () => ({ markAllNotificationsRead: { __typename: 'MarkAllNotificationsReadPayload', count: 1, readAt: at(3), unreadCount: 0 } }),
    });
    const all = { first: 25, after: null, unreadOnly: false };
    const unread = { first: 25, after: null, unreadOnly: true };
    await client.query(NotificationsDocument, all).toPromise();
    await client.query(NotificationsDocument, unread).toPromise();

    await client.subscription(NotificationAddedDocument, {}).toPromise();

    const allNow = client.readQuery(NotificationsDocument, all)?.data;
    expect(allNow?.unreadNotificationCount).toBe(1);
    expect(ids(allNow?.notifications)).toEqual([arrived.id, seen.id]);
    expect(ids(client.readQuery(NotificationsDocument, unread)?.data?.notifications)).toEqual([arrived.id]);

    await client.mutation(MarkAllNotificationsReadDocument, {}).toPromise();

    const afterAll = client.readQuery(NotificationsDocument, all)?.data;
    expect(afterAll?.unreadNotificationCount).toBe(0);
    expect(afterAll?.notifications.edges.map((edge) => [edge.node.id, edge.node.read])).toEqual([
      [arrived.id, true],
      [seen.id, true],
    ]);
    const unreadAfter = client.readQuery(NotificationsDocument, unread)?.data?.notifications;
    expect(ids(unreadAfter)).toEqual([]);
    expect(unreadAfter?.totalCount).toBe(0);
  });
});
