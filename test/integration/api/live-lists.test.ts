// The owner's list feed (myListsChanged): a dataset, job and model made with an API key reach the owner's
// subscription as they are created and change status, and never another user's. And the monitor's live
// document: what the subscription sends while a job runs, before (the whole JobDetail) and after (JobLive).
import { OperationTypeNode, print } from 'graphql';
import type { Client } from 'graphql-ws';
import { describe, expect, it, vi } from 'vitest';
import { JobLiveUpdatedDocument, JobMonitorDocument, type JobMonitorQuery, type JobMonitorQueryVariables } from '../../../web/src/gql/graphql.js';
import { graphql } from '../../gql/index.js';
import { useTestApp } from '../../helpers/app.js';
import { chatExample, jsonl, uploadDataset } from '../../helpers/datasets.js';
import { type TestUser, useUsers } from '../../helpers/factories.js';
import { ofType, type TypedDocumentNode } from '../../helpers/graphql-client.js';
import { storedModel } from '../../helpers/models.js';
import { createJob, readyDataset } from '../../helpers/training.js';

const t = useTestApp();
const [alice, bob] = useUsers(t, 2);

const FEED = graphql(`
  subscription LiveListsFeed {
    myListsChanged {
      dataset { id name status deletedAt }
      trainingJob { id name status }
      model { id name status }
    }
  }
`);

const CREATE_API_KEY = graphql(`
  mutation LiveListsApiKey {
    createApiKey(input: { name: "tool" }) { __typename ... on CreateApiKeyPayload { secret } }
  }
`);

/** Every result of the subscription, as it comes, until the returned function stops it. */
function collect<T, V>(client: Client, document: TypedDocumentNode<T, V>, variables?: V) {
  const results: { data?: T | null; errors?: unknown; bytes: number }[] = [];
  const stop = client.subscribe<T>(
    { query: print(document), variables: (variables ?? {}) as Record<string, unknown> },
    {
      // The size of the graphql-ws `next` frame that carried it.
      next: (value) => results.push({ ...value, bytes: Buffer.byteLength(JSON.stringify({ id: '1', type: 'next', payload: value })) }),
      error: (err) => results.push({ errors: err, bytes: 0 }),
      complete: () => {},
    },
  );
  return { results, stop };
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000) {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

async function apiKey(user: TestUser): Promise<string> {
  return ofType((await t.gqlData(CREATE_API_KEY, {}, user.token)).createApiKey, 'CreateApiKeyPayload').secret;
}

describe('myListsChanged', () => {
  it('brings the owner each dataset, job and model made with an API key, and nobody else any', async () => {
    const key = await apiKey(alice);
    const aliceFeed = collect(t.ws(alice.token), FEED);
    const bobFeed = collect(t.ws(bob.token), FEED);
    // Both are listening once a dataset of each owner has reached them.
    const warmUp = async (user: TestUser, feed: typeof aliceFeed) => {
      const id = await uploadDataset(t, user.token, jsonl([1, 2, 3, 4].map(chatExample)), { name: 'warm-up' });
      await until(() => feed.results.some((r) => r.data?.myListsChanged.dataset?.id === id), 'the warm-up dataset');
      return id;
    };
    const [, bobsOwn] = await Promise.all([warmUp(alice, aliceFeed), warmUp(bob, bobFeed)]);

    const datasetId = await readyDataset(t, key);
    const model = await storedModel(t, key, { datasetId, name: 'made by a tool' });
    const changes = () => aliceFeed.results.map((r) => r.data?.myListsChanged);
    await until(() => changes().some((c) => c?.model?.id === model.modelId && c.model.status === 'STORED'), 'the stored model');

    expect(aliceFeed.results.filter((r) => r.errors)).toEqual([]);
    const datasetStatuses = changes()
      .map((c) => c?.dataset)
      .filter((d) => d?.id === datasetId)
      .map((d) => d!.status);
    expect(datasetStatuses[0]).toBe('UPLOADING'); // created: in the list before its file is even sent
    expect(datasetStatuses).toContain('READY');
    const jobStatuses = changes()
      .map((c) => c?.trainingJob)
      .filter((j) => j?.id === model.jobId)
      .map((j) => j!.status);
    expect(jobStatuses[0]).toBe('QUEUED');
    expect(jobStatuses).toContain('COMPLETED');
    // Each change has exactly one row set.
    for (const c of changes()) expect([c?.dataset, c?.trainingJob, c?.model].filter(Boolean)).toHaveLength(1);

    // Bob heard of his own dataset only, nothing of alice's.
    await new Promise((r) => setTimeout(r, 300));
    expect(bobFeed.results.map((r) => r.data?.myListsChanged.dataset?.id)).toEqual(bobFeed.results.map(() => bobsOwn));
    const bobText = JSON.stringify(bobFeed.results);
    for (const id of [datasetId, model.jobId, model.modelId]) expect(bobText).not.toContain(id);
    aliceFeed.stop();
    bobFeed.stop();
  }, 120_000);
});

/** What the monitor subscribed to before: the whole JobDetail (the page query's selection) on every change. */
function wholeJobSubscription(): TypedDocumentNode<{ trainingJobUpdated: JobMonitorQuery['trainingJob'] }, JobMonitorQueryVariables> {
  const document = structuredClone(JobMonitorDocument);
  const [operation] = document.definitions;
  if (operation?.kind !== 'OperationDefinition' || operation.selectionSet.selections[0]?.kind !== 'Field') throw new Error('JobMonitor is not one field');
  return {
    ...document,
    definitions: [
      {
        ...operation,
        operation: OperationTypeNode.SUBSCRIPTION,
        selectionSet: { ...operation.selectionSet, selections: [{ ...operation.selectionSet.selections[0], name: { kind: 'Name', value: 'trainingJobUpdated' } }] },
      },
      ...document.definitions.slice(1),
    ],
  } as TypedDocumentNode<{ trainingJobUpdated: JobMonitorQuery['trainingJob'] }, JobMonitorQueryVariables>;
}

describe("the monitor's live document", () => {
  it('sends a small part of what resending the whole job sent, for the same run', async () => {
    const token = alice.token;
    const datasetId = await readyDataset(t, token);
    const created = await createJob(t, token, { datasetId, name: 'monitored' });
    const id = created.trainingJob.id;
    const before = collect(t.ws(token), wholeJobSubscription(), { id });
    const after = collect(t.ws(token), JobLiveUpdatedDocument, { id });
    const settled = (feed: { results: { data?: { trainingJobUpdated: { artifact: { status: string } | null } | null } | null }[] }) =>
      feed.results.some((r) => r.data?.trainingJobUpdated?.artifact?.status === 'STORED');
    await until(() => settled(before) && settled(after), 'the model stored', 90_000);
    before.stop();
    after.stop();
    for (const feed of [before, after]) expect(feed.results.filter((r) => r.errors)).toEqual([]);

    const bytes = (feed: { results: { bytes: number }[] }) => feed.results.reduce((sum, r) => sum + r.bytes, 0);
    console.log(`monitor frames for one run: whole job ${before.results.length} frames, ${bytes(before)} bytes; live fields ${after.results.length} frames, ${bytes(after)} bytes`);
    expect(before.results.length).toBeGreaterThan(5);
    expect(bytes(after) / bytes(before)).toBeLessThan(0.3);
  }, 120_000);
});
