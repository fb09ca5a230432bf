// How long RunPod may run a training job and keep it: the execution policy sent with /run.
import type { GpuType, SubmitRequest } from '../provider.js';

/**
 * RunPod's limits, from its docs ("Send API requests", execution policies; "Endpoint settings"): both
 * executionTimeout and ttl are in milliseconds and at most 7 days; executionTimeout must exceed 5 s and
 * ttl be at least 10 s. The ttl counts from submission and covers queueing and running alike.
 */
export const RUNPOD_MAX_POLICY_MS = 7 * 24 * 3_600_000;
/** Loading even a small model and uploading its adapter takes minutes; never allow less. */
const MIN_EXECUTION_MS = 30 * 60_000;
/** How long a job may wait for a worker: the ttl is the execution timeout plus this. */
export const QUEUE_ALLOWANCE_MS = 3 * 3_600_000;

/** LoRA tokens per second of one GPU on a 1B-parameter model, set well below what these GPUs reach. */
const SLOW_TOKENS_PER_SECOND_PER_BILLION: Record<GpuType, number> = {
  'H100-80GB': 8_000,
  'A100-80GB': 4_000,
  'A100-40GB': 3_500,
  'V100-32GB': 1_200,
};
/** Dequantising the base weights on every forward pass costs speed. */
const QUANTIZED_SPEED = 0.6;

export interface ExecutionPolicy {
  executionTimeout: number;
  ttl: number;
}

/** A pessimistic duration of the run in milliseconds: training, evaluation, loading and uploading. */
export function estimateTrainingMs(req: SubmitRequest): number {
  const hp = req.hyperparameters;
  // Every dataset token in every epoch (truncation only shortens it), plus a tenth for evaluation.
  const tokens = req.datasetTokens * hp.epochs * 1.1;
  const perGpu = (SLOW_TOKENS_PER_SECOND_PER_BILLION[req.gpu.type] / Math.max(0.1, req.baseModel.parametersB)) * (hp.quantization === 'NONE' ? 1 : QUANTIZED_SPEED);
  const throughput = perGpu * req.gpu.count ** 0.8;
  // Pulling and loading the base model grows with its size; saving and uploading the adapter does not much.
  const overheadMs = 10 * 60_000 + req.baseModel.parametersB * 60_000;
  return (tokens / throughput) * 1000 + overheadMs;
}

/** Twice the pessimistic estimate, within RunPod's limits, with room in the ttl for queueing. */
export function executionPolicy(req: SubmitRequest): ExecutionPolicy {
  const wanted = 2 * estimateTrainingMs(req);
  const longest = RUNPOD_MAX_POLICY_MS - QUEUE_ALLOWANCE_MS;
  const executionTimeout = Math.round(Math.min(Math.max(wanted, MIN_EXECUTION_MS), longest));
  return { executionTimeout, ttl: executionTimeout + QUEUE_ALLOWANCE_MS };
}
