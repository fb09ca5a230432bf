// What each event's `data` holds: the object's global id (the id the GraphQL
// API takes) and the fields a tool needs without a second call.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Dataset, ModelArtifact, TrainingJob } from '../db/generated/prisma/client.js';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const money = (d: { toFixed(n: number): string } | null | undefined) => (d ? d.toFixed(6) : null);

export function datasetEventData(
  d: Pick<Dataset, 'id' | 'name' | 'status' | 'format' | 'baseModelId' | 'errorCount' | 'warningCount' | 'statistics' | 'validatedAt'>,
): Record<string, unknown> {
  const stats = (d.statistics ?? {}) as { examples?: number; totalTokens?: number };
  return {
    id: encodeGlobalID('Dataset', d.id),
    name: d.name,
    status: d.status,
    format: d.format,
    baseModel: d.baseModelId,
    errorCount: d.errorCount,
    warningCount: d.warningCount,
    examples: stats.examples ?? null,
    totalTokens: stats.totalTokens ?? null,
    validatedAt: iso(d.validatedAt),
  };
}

export function trainingJobEventData(j: TrainingJob): Record<string, unknown> {
  return {
    id: encodeGlobalID('TrainingJob', j.id),
    name: j.name,
    status: j.status,
    datasetId: encodeGlobalID('Dataset', j.datasetId),
    baseModel: j.baseModelId,
    preset: j.presetId,
    gpuType: j.gpuType,
    gpuCount: j.gpuCount,
    estimatedCostUsd: money(j.estimatedCost),
    maxCostUsd: money(j.maxCost),
    currentCostUsd: money(j.currentCost),
    finalCostUsd: money(j.finalCost),
    errorCode: j.errorCode,
    errorMessage: j.errorMessage,
    queuedAt: iso(j.queuedAt),
    startedAt: iso(j.startedAt),
    completedAt: iso(j.completedAt),
  };
}

export function modelEventData(m: ModelArtifact): Record<string, unknown> {
  return {
    id: encodeGlobalID('Model', m.id),
    name: m.name,
    status: m.status,
    trainingJobId: encodeGlobalID('TrainingJob', m.jobId),
    datasetId: encodeGlobalID('Dataset', m.datasetId),
    baseModel: m.baseModelId,
    rating: m.rating,
    finalValidationLoss: m.finalValidationLoss,
    bestValidationLoss: m.bestValidationLoss,
    perplexity: m.perplexity,
    storedAt: iso(m.storedAt),
  };
}
