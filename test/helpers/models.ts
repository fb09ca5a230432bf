// A stored model made the way a user makes one: a job trained to the end on a
// READY dataset, then its files copied by the artifact queue.
import { vi } from 'vitest';
import { graphql } from '../gql/index.js';
import type { TestApp } from './app.js';
import { createJob, followJob } from './training.js';

const JOB_ARTIFACT = graphql(`
  query StoredModelArtifact($id: ID!) { trainingJob(id: $id) { artifact { id status files { id name } } } }
`);

export interface StoredModel {
  jobId: string;
  modelId: string;
  files: { id: string; name: string }[];
}

/** Trains a job to COMPLETED and waits until its model is STORED; returns global ids. */
export async function storedModel(t: TestApp, token: string, input: Record<string, unknown>): Promise<StoredModel> {
  const created = await createJob(t, token, input);
  if (created.__typename !== 'TrainingJobPayload') throw new Error(`createTrainingJob failed: ${JSON.stringify(created)}`);
  const jobId: string = created.trainingJob.id;
  const states = await followJob(t, token, jobId);
  if (states.at(-1).status !== 'COMPLETED') throw new Error(`job ended ${states.at(-1).status}`);
  // The files are copied by their own queue job a moment after COMPLETED.
  const artifact = await vi.waitFor(
    async () => {
      const now = (await t.gql(JOB_ARTIFACT, { id: jobId }, token)).body.data?.trainingJob?.artifact;
      if (now?.status !== 'STORED' && now?.status !== 'FAILED') throw new Error(`model of ${jobId} is ${now?.status ?? 'missing'}`);
      return now;
    },
    { timeout: 30_000, interval: 200 },
  );
  if (artifact.status !== 'STORED') throw new Error(`model of ${jobId} is ${artifact.status}`);
  return { jobId, modelId: artifact.id, files: artifact.files };
}
