// The training job fields and the list query the job list, the monitor and the cache updates share, and how stages read.
import { graphql } from '../../gql';

export const JobRowFragment = graphql(`
  fragment JobRow on TrainingJob {
    id
    name
    status
    stage
    progress
    currentStep
    totalSteps
    currentCost
    estimatedCost
    finalCost
    maxCost
    etaSeconds
    createdAt
    cancelRequestedAt
    costCapReachedAt
    errorCode
    presetId
    gpu {
      type
      count
    }
    dataset {
      id
      name
    }
    baseModel {
      id
      name
    }
  }
`);

/** A row of the job list: what every job list and the cache's additions to it hold. */
export const JobListRowFragment = graphql(`
  fragment JobListRow on TrainingJob {
    ...JobRow
    latestMetrics {
      trainingLoss
    }
    bestValidation {
      step
      validationLoss
    }
  }
`);

/** The job list, page by page; the cache keeps every cached page of it right after a change. */
export const JobListQuery = graphql(`
  query JobList($first: Int!, $after: String, $filter: TrainingJobFilter) {
    trainingJobs(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        cursor
        node {
          ...JobListRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** Every hyperparameter: the configure page's presets and "Train again", and the monitor's configuration. */
export const HyperparameterValuesFragment = graphql(`
  fragment HyperparameterValues on Hyperparameters {
    epochs
    learningRate
    batchSize
    loraRank
    loraAlpha
    loraDropout
    maxSeqLength
    warmupRatio
    gradientAccumulation
    quantization
  }
`);

export const ACTIVE_JOB_STATUSES = ['QUEUED', 'INITIALIZING', 'RUNNING'] as const;

export function isJobActive(status: string): boolean {
  return (ACTIVE_JOB_STATUSES as readonly string[]).includes(status);
}

/**
 * Whether nothing more will change on the monitor: the job ended and, when it completed, its adapter is
 * STORED or FAILED. Storing it comes after the job ends, so the monitor keeps listening until then.
 */
export function isJobSettled(job: { status: string; artifact?: { status: string } | null }): boolean {
  if (isJobActive(job.status)) return false;
  return job.status !== 'COMPLETED' || job.artifact?.status === 'STORED' || job.artifact?.status === 'FAILED';
}

export const STAGE_LABELS: Record<string, string> = {
  PROVISIONING: 'Provisioning GPUs',
  LOADING_MODEL: 'Loading the model',
  TRAINING: 'Training',
  EVALUATING: 'Evaluating',
  SAVING: 'Saving the adapter',
  UPLOADING_ARTIFACTS: 'Uploading artifacts',
};

/** Why the server, not the user, cancelled a job: its cost cap or the monthly budget's hard stop; null otherwise. */
export function spendingStopLabel(job: { status: string; costCapReachedAt?: unknown; errorCode?: string | null }): string | null {
  if (job.status !== 'CANCELLED') return null;
  if (job.errorCode === 'BUDGET_REACHED') return 'Stopped at monthly budget';
  if (job.errorCode === 'COST_CAP_REACHED' || job.costCapReachedAt != null) return 'Stopped at cost cap';
  return null;
}

/** The status badge's words where the status alone would mislead: a pending cancel, a stop at the cost cap or budget. */
export function jobStatusLabel(job: { status: string; cancelRequestedAt?: unknown; costCapReachedAt?: unknown; errorCode?: string | null }): string | undefined {
  const stopped = spendingStopLabel(job);
  if (stopped) return stopped;
  if (job.cancelRequestedAt && isJobActive(job.status)) return 'Cancelling';
  return undefined;
}

/** "2 × A100": a job's GPU allocation, as every job table shows it. */
export function gpuLabel(job: { gpu: { count: number; type: string } }): string {
  return `${job.gpu.count} × ${job.gpu.type}`;
}

/** What the progress bar says: the stage while running, the outcome once ended. */
export function progressLabel(job: { status: string; stage?: string | null; costCapReachedAt?: unknown; errorCode?: string | null }): string {
  switch (job.status) {
    case 'QUEUED':
      return 'Waiting for a GPU';
    case 'COMPLETED':
      return 'Finished';
    case 'FAILED':
      return 'Failed';
    case 'CANCELLED':
      return spendingStopLabel(job) ?? 'Cancelled';
    default:
      return job.stage ? (STAGE_LABELS[job.stage] ?? job.stage) : 'Starting';
  }
}

export const QUANTIZATION_LABELS: Record<string, string> = {
  NF4: '4-bit (QLoRA)',
  INT8: '8-bit',
  NONE: 'None (16-bit)',
};

/** The configure page pre-filled with a job's dataset, base model, hyperparameters, GPUs and cost cap. */
export function trainAgainLink(jobId: string): string {
  return `/training/configure?from=${encodeURIComponent(jobId)}`;
}
