// Training helpers: a READY dataset and a job created through the API.
import { randomUUID } from 'node:crypto';
import { defaultBaseModel } from '../../server/catalog/base-models.js';
import type { TrainingJobStatus } from '../../server/db/generated/prisma/client.js';
import { findPreset, presetHyperparameters } from '../../server/catalog/training.js';
import { estimateTrainingCost, type TrainingEstimate } from '../../server/training/estimate.js';
import type { TestApp, Untyped } from './app.js';
import { wsCollect } from './app.js';
import { chatExample, DATASET_UPDATED, jsonl, uploadDataset, type DatasetInput } from './datasets.js';

/** A dataset uploaded, validated and READY; returns its global id. */
export async function readyDataset(t: TestApp, token: string, examples = 40): Promise<string> {
  return readyDatasetFrom(t, token, jsonl(Array.from({ length: examples }, (_, i) => chatExample(i + 1))));
}

/** This file uploaded (createDataset input overrides in `input`), validated and READY; returns its global id. */
export async function readyDatasetFrom(t: TestApp, token: string, file: Buffer, input: DatasetInput = {}): Promise<string> {
  const id = await uploadDataset(t, token, file, input);
  const events = await wsCollect(t.ws(token), DATASET_UPDATED, { id }, (r) => ['READY', 'INVALID'].includes(r.at(-1)?.datasetUpdated.status ?? ''));
  if (events.at(-1)?.datasetUpdated.status !== 'READY') throw new Error('dataset did not validate');
  return id;
}

export const CREATE_JOB = `mutation($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) {
  __typename
  ... on TrainingJobPayload { trainingJob { id status estimatedCost maxCost totalSteps estimate { costUsd steps throughputSource } } }
  ... on InvalidInputError { problems { path message } }
  ... on Error { message } } }`;

export const JOB_FIELDS = `id status stage progress currentStep totalSteps currentCost finalCost estimatedCost maxCost errorCode errorMessage cancelRequestedAt costCapReachedAt startedAt completedAt`;

export const JOB_UPDATED = `subscription($id: ID!) { trainingJobUpdated(id: $id) { ${JOB_FIELDS} } }`;

export async function createJob(t: TestApp, token: string, input: Record<string, unknown>) {
  const res = await t.gql(CREATE_JOB, { input: { presetId: 'fast', gpu: { type: 'A100-80GB', count: 1 }, ...input } }, token);
  return res.body.data?.createTrainingJob ?? res.body;
}

/** Follows a job over graphql-ws until it ends; returns every state seen. */
export async function followJob(t: TestApp, token: string, id: string, timeoutMs = 60_000): Promise<Untyped[]> {
  const events = await wsCollect(t.ws(token), JOB_UPDATED, { id }, (r) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(r.at(-1)?.trainingJobUpdated.status), timeoutMs);
  return events.map((e) => e.trainingJobUpdated);
}

/** A whole stored estimate (what readEstimate reads) for a job row a test inserts: the fast preset on 2 A100s. */
export function storedEstimate(tokensToTrain = 10_000): TrainingEstimate {
  const model = defaultBaseModel();
  const hyperparameters = presetHyperparameters(findPreset('fast')!, model);
  const estimate = estimateTrainingCost({ datasetTokens: tokensToTrain, datasetExamples: 100, hyperparameters, baseModel: model, gpu: { type: 'A100-80GB', count: 2 } });
  return { ...estimate, tokensToTrain };
}

/** A job row as a test inserts it straight into the database (no provider behind it): fast preset, default model, 2 GPUs. */
export function jobRow(ownerId: string, datasetId: string, status: TrainingJobStatus) {
  const model = defaultBaseModel();
  return {
    ownerId,
    datasetId,
    name: `${status.toLowerCase()} job ${randomUUID().slice(0, 8)}`,
    presetId: 'fast',
    baseModelId: model.id,
    hyperparameters: presetHyperparameters(findPreset('fast')!, model) as object,
    // Two GPUs, so a price that forgets the count shows.
    gpuType: 'A100-80GB',
    gpuCount: 2,
    totalEpochs: 1,
    totalSteps: 10,
    estimate: storedEstimate() as object,
    estimatedCost: '0.50',
    provider: 'simulated',
    status,
  };
}
