// Factories: every test makes its own users and data with unique ids, so tests run concurrently and never
// depend on one another. They chain (user → dataset → job → model): each makes what it is not given.
import { randomUUID } from 'node:crypto';
import { beforeAll } from 'vitest';
import { signLocalUserToken } from '../../server/auth/tokens.js';
import { graphql } from '../gql/index.js';
import type { TestApp } from './app.js';
import type { GraphqlClient } from './graphql-client.js';
import { storedModel, type StoredModel } from './models.js';
import { createJob, readyDataset } from './training.js';

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

const ME = graphql(`query FactoryMe { me { id } }`);

/** A new local user of the server behind `client`, whose tokens `secret` signs; created on first sight like a real one. */
export async function createUserWith(client: Pick<GraphqlClient, 'gqlData'>, secret: string): Promise<TestUser> {
  const email = `user-${randomUUID()}@test.brightrun.dev`;
  const token = await signLocalUserToken(secret, { sub: `local:${email}`, email });
  const { me } = await client.gqlData(ME, {}, token);
  return { id: Buffer.from(me.id, 'base64').toString().split(':')[1]!, email, token };
}

/** A new local user, created on first sight like a real one. */
export function createUser(t: TestApp): Promise<TestUser> {
  return createUserWith(t, t.app.services.secret);
}

/** `count` users for one test file, made by beforeAll after the app has started (call at module level, after useTestApp). */
export function useUsers(t: TestApp, count: 2): [TestUser, TestUser];
export function useUsers(t: TestApp, count: 3): [TestUser, TestUser, TestUser];
export function useUsers(t: TestApp, count: number): TestUser[];
export function useUsers(t: TestApp, count: number): TestUser[] {
  const users = Array.from({ length: count }, () => ({}) as TestUser);
  beforeAll(async () => {
    const made = await Promise.all(users.map(() => createUser(t)));
    for (const [i, user] of made.entries()) Object.assign(users[i]!, user);
  });
  return users;
}

/** One user for the test file (see useUsers). */
export function useUser(t: TestApp): TestUser {
  return useUsers(t, 1)[0]!;
}

export interface SeededDataset {
  owner: TestUser;
  /** The dataset's global id; it is READY. */
  datasetId: string;
}

/** A READY dataset of `examples` chat examples, owned by `owner` (a new user when not given). */
export async function seedDataset(t: TestApp, { owner, examples }: { owner?: TestUser; examples?: number } = {}): Promise<SeededDataset> {
  const who = owner ?? (await createUser(t));
  return { owner: who, datasetId: await readyDataset(t, who.token, examples) };
}

export interface SeededJob extends SeededDataset {
  /** The job's global id, as createTrainingJob returned it. */
  jobId: string;
}

/**
 * A training job created through the API on `dataset` (a new READY dataset of `owner`, or of a new user, when
 * not given); `input` overrides createTrainingJob's. It runs on as queued: follow it with followJob.
 */
export async function seedJob(t: TestApp, { owner, dataset, input = {} }: { owner?: TestUser; dataset?: SeededDataset; input?: Record<string, unknown> } = {}): Promise<SeededJob> {
  const base = dataset ?? (await seedDataset(t, { owner }));
  const created = await createJob(t, base.owner.token, { datasetId: base.datasetId, ...input });
  if (created.__typename !== 'TrainingJobPayload') throw new Error(`createTrainingJob failed: ${JSON.stringify(created)}`);
  return { ...base, jobId: created.trainingJob.id };
}

export interface SeededModel extends SeededDataset, StoredModel {}

/** A STORED model: a job trained to the end on `dataset` (made as seedJob makes it when not given). */
export async function seedModel(
  t: TestApp,
  { owner, dataset, input = {} }: { owner?: TestUser; dataset?: SeededDataset; input?: Record<string, unknown> } = {},
): Promise<SeededModel> {
  const base = dataset ?? (await seedDataset(t, { owner }));
  return { ...base, ...(await storedModel(t, base.owner.token, { datasetId: base.datasetId, ...input })) };
}
