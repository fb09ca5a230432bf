// A stored model made the way a user makes one: a job trained to the end on a
// READY dataset, then its files copied by the artifact queue.
import type { TestApp } from './app.js';
import { createJob, followJob } from './training.js';

const JOB_ARTIFACT = `query($id: ID!) { trainingJob(id: $id) { artifact { id status files { id name } } } }`;

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
  const until = Date.now() + 30_000;
  for (;;) {
    const artifact = (await t.gql(JOB_ARTIFACT, { id: jobId }, token)).body.data?.trainingJob?.artifact;
    if (artifact?.status === 'STORED') return { jobId, modelId: artifact.id, files: artifact.files };
    if (artifact?.status === 'FAILED' || Date.now() > until) throw new Error(`model of ${jobId} is ${artifact?.status ?? 'missing'}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
