// What we exchange with RunPod and with our trainer image on it, and how a RunPod job reads as a ProviderStatus.
import { z } from 'zod';
import { PROVIDER_STAGES, ProviderError, providerStatusSchema, type ProviderJobState, type ProviderStage, type ProviderStatus, type TrainerInput } from '../provider.js';

/** RunPod's job statuses (docs.runpod.io, "Job states"). */
export const RUNPOD_STATUSES = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const;
export type RunpodStatus = (typeof RUNPOD_STATUSES)[number];

/**
 * The `input` of /run: the trainer's input (trainer/CONTRACT.md). RunPod echoes it in /status and in its
 * webhooks, so it carries no secret beyond the per-job callback token and short-lived signed URLs.
 */
export type RunpodTrainingInput = TrainerInput;

/** The answer to /run and /cancel. */
export const runpodJobRefSchema = z.object({ id: z.string().min(1), status: z.enum(RUNPOD_STATUSES) });

/** The answer to /status, and the body of RunPod's completion webhook. */
export const runpodJobSchema = runpodJobRefSchema.extend({
  delayTime: z.number().optional(),
  executionTime: z.number().optional(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
});
export type RunpodJob = z.infer<typeof runpodJobSchema>;

const pointSchema = providerStatusSchema.shape.points.element;
const artifactSchema = providerStatusSchema.shape.artifacts.element;
const count = z.number().int().nonnegative();

/** What the trainer reports with runpod.serverless.progress_update while it runs: /status shows only the last one. */
export const progressOutputSchema = z.object({
  stage: z.enum(PROVIDER_STAGES),
  step: count,
  totalSteps: count,
  epoch: z.number().nonnegative(),
  totalEpochs: count,
  lastPoint: pointSchema.nullable().optional(),
});
export type RunpodProgressOutput = z.infer<typeof progressOutputSchema>;

/** What the trainer returns when it is done. */
export const completedOutputSchema = z.object({
  step: count,
  totalSteps: count,
  epoch: z.number().nonnegative(),
  totalEpochs: count.optional(),
  artifacts: z.array(artifactSchema).min(1),
  summary: z.unknown().optional(),
  lastPoint: pointSchema.nullable().optional(),
});
export type RunpodCompletedOutput = z.infer<typeof completedOutputSchema>;

/**
 * A job's output in /status does not follow the contract above: the endpoint runs another image or
 * another version of ours. Retrying will not help; the job cannot be followed.
 */
export class RunpodOutputError extends ProviderError {}

/** Stages before the first training step: the job is still starting. */
const STARTING_STAGES: ReadonlySet<ProviderStage> = new Set(['PROVISIONING', 'LOADING_MODEL']);

type Figures = Partial<Pick<ProviderStatus, 'stage' | 'step' | 'totalSteps' | 'epoch' | 'totalEpochs'>> & {
  lastPoint?: z.infer<typeof pointSchema> | null;
};

/** Reads RunPod's view of a job as a ProviderStatus; points are the last reported one when it is after afterStep. */
export function toProviderStatus(job: RunpodJob, afterStep: number): ProviderStatus {
  const status = (state: ProviderJobState, figures: Figures = {}, more: Partial<ProviderStatus> = {}): ProviderStatus => ({
    externalId: job.id,
    state,
    stage: figures.stage ?? null,
    step: figures.step ?? 0,
    totalSteps: figures.totalSteps ?? 0,
    epoch: figures.epoch ?? 0,
    totalEpochs: figures.totalEpochs ?? 0,
    points: figures.lastPoint && figures.lastPoint.step > afterStep ? [figures.lastPoint] : [],
    artifacts: [],
    error: null,
    // RunPod gives durations (delayTime, executionTime), not times; the server keeps its own.
    startedAt: null,
    finishedAt: null,
    ...more,
  });

  switch (job.status) {
    case 'IN_QUEUE':
      return status('QUEUED');
    case 'IN_PROGRESS': {
      // A worker took the job but the trainer has not reported yet.
      if (job.output === undefined || job.output === null) return status('INITIALIZING');
      const progress = expectOutput(progressOutputSchema, job, 'progress');
      return status(STARTING_STAGES.has(progress.stage) ? 'INITIALIZING' : 'RUNNING', progress);
    }
    case 'COMPLETED': {
      const done = expectOutput(completedOutputSchema, job, 'result');
      const totalEpochs = done.totalEpochs ?? Math.ceil(done.epoch);
      return status('COMPLETED', { ...done, stage: 'UPLOADING_ARTIFACTS', totalEpochs }, { artifacts: done.artifacts });
    }
    case 'CANCELLED':
      return status('CANCELLED', lastProgress(job));
    case 'FAILED':
      return status('FAILED', lastProgress(job), {
        error: { code: 'RUNPOD_FAILED', message: errorText(job.error) ?? 'The job failed on RunPod with no message.' },
      });
    case 'TIMED_OUT':
      return status('FAILED', lastProgress(job), {
        error: {
          code: 'RUNPOD_TIMED_OUT',
          message: errorText(job.error) ?? 'RunPod stopped the job: it ran past its executionTimeout or waited for a worker past its ttl.',
        },
      });
  }
}

/** RunPod's job status read as ours, for answers that carry no output (/cancel). */
export function toProviderState(status: RunpodStatus): ProviderJobState {
  const states: Record<RunpodStatus, ProviderJobState> = {
    IN_QUEUE: 'QUEUED',
    IN_PROGRESS: 'RUNNING',
    COMPLETED: 'COMPLETED',
    FAILED: 'FAILED',
    CANCELLED: 'CANCELLED',
    TIMED_OUT: 'FAILED',
  };
  return states[status];
}

function expectOutput<T>(schema: z.ZodType<T>, job: RunpodJob, what: string): T {
  const result = schema.safeParse(job.output);
  if (!result.success) {
    throw new RunpodOutputError(`RunPod job ${job.id} is ${job.status}, but its output is not our trainer's ${what}: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** A job that stopped may still show the trainer's last progress; anything else there is ignored. */
function lastProgress(job: RunpodJob): Figures {
  return progressOutputSchema.safeParse(job.output).data ?? {};
}

/** runpod-python reports a handler exception as a JSON string with error_type, error_message and a traceback. */
const handlerExceptionSchema = z.object({ error_message: z.string().min(1) });
const MAX_ERROR_LENGTH = 2000;

function errorText(error: unknown): string | undefined {
  if (error === undefined || error === null || error === '') return undefined;
  const text = typeof error === 'string' ? error : JSON.stringify(error);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const exception = handlerExceptionSchema.safeParse(parsed);
  return (exception.success ? exception.data.error_message : text).slice(0, MAX_ERROR_LENGTH);
}
