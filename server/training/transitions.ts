// The training job state machine, in one place. Every transition is a
// conditional UPDATE (two concurrent transitions cannot both win), records its
// timestamp and a timeline event, creates the right notification in the same
// transaction, and is published to subscribers after the commit.
import { db, type Prisma } from '../db/client.js';
import type { TrainingJob, TrainingJobStatus } from '../db/generated/prisma/client.js';
import type { NotificationPriority, NotificationType } from '../db/generated/prisma/enums.js';
import { isTerminal } from '../db/training-status.js';
import { applyBudget } from './spending-limits.js';
import { settleComputeCost } from '../costs/compute-cost.js';
import { deleteStagedUploads } from './trainer-uploads.js';
import { createArtifactJob } from '../queue/definitions.js';
import { inTransaction } from '../queue/queue.js';
import { createNotification, publishNotification } from '../notifications/notify.js';
import type { WebhookEventType } from '../outbound-webhooks/event-types.js';
import { trainingJobEventData } from '../outbound-webhooks/payloads.js';
import { recordEvent } from '../outbound-webhooks/record-event.js';
import type { Services } from '../services/services.js';
import { publishJobUpdated } from './publish-job.js';

/** Where each status may go next. Terminal statuses go nowhere. */
export const NEXT_STATUSES: Record<TrainingJobStatus, readonly TrainingJobStatus[]> = {
  QUEUED: ['INITIALIZING', 'FAILED', 'CANCELLED'],
  INITIALIZING: ['RUNNING', 'FAILED', 'CANCELLED'],
  RUNNING: ['COMPLETED', 'FAILED', 'CANCELLED'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

export function canTransition(from: TrainingJobStatus, to: TrainingJobStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}

/** The statuses a job may be in to move to `to`. */
export function predecessorsOf(to: TrainingJobStatus): TrainingJobStatus[] {
  return (Object.keys(NEXT_STATUSES) as TrainingJobStatus[]).filter((from) => canTransition(from, to));
}

const NOTIFICATIONS: Partial<Record<TrainingJobStatus, { type: NotificationType; priority: NotificationPriority; title: (name: string) => string }>> = {
  RUNNING: { type: 'JOB_STARTED', priority: 'LOW', title: (n) => `Training "${n}" started` },
  COMPLETED: { type: 'JOB_COMPLETED', priority: 'NORMAL', title: (n) => `Training "${n}" completed` },
  FAILED: { type: 'JOB_FAILED', priority: 'HIGH', title: (n) => `Training "${n}" failed` },
  CANCELLED: { type: 'JOB_CANCELLED', priority: 'NORMAL', title: (n) => `Training "${n}" was cancelled` },
};

const WEBHOOK_EVENTS: Partial<Record<TrainingJobStatus, WebhookEventType>> = {
  RUNNING: 'training_job.started',
  COMPLETED: 'training_job.completed',
  FAILED: 'training_job.failed',
  CANCELLED: 'training_job.cancelled',
};

export interface TransitionOptions {
  /** Fields to set together with the status (stage, progress, error, costs…). */
  data?: Prisma.TrainingJobUpdateManyMutationInput;
  /** What happened, for the timeline and the notification. */
  message: string;
}

/**
 * Moves a job to `to` if its current status allows it. Returns the updated job,
 * or null when the job was not in a status that may go there (someone else won).
 */
export async function transitionJob(services: Services, jobId: string, to: TrainingJobStatus, options: TransitionOptions): Promise<TrainingJob | null> {
  const now = new Date();
  const timestamps: Prisma.TrainingJobUpdateManyMutationInput = to === 'INITIALIZING' ? { startedAt: now } : NEXT_STATUSES[to].length === 0 ? { completedAt: now } : {};
  const result = await db.$transaction(async (tx) => {
    const { count } = await tx.trainingJob.updateMany({
      where: { id: jobId, status: { in: predecessorsOf(to) } },
      data: { ...options.data, ...timestamps, status: to, lastHeartbeatAt: now },
    });
    if (count === 0) return null;
    const job = await tx.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
    await tx.trainingJobEvent.create({ data: { jobId, type: 'STATUS', toStatus: to, stage: job.stage, message: options.message } });
    // Every way a job ends charges exactly the seconds it ran.
    if (NEXT_STATUSES[to].length === 0) await settleComputeCost(tx, job, job.completedAt ?? now);
    // The model's files are copied by a queued job that exists only if this transition commits.
    if (to === 'COMPLETED') await services.jobs.enqueue(createArtifactJob, { jobId }, { tx: inTransaction(tx), singletonKey: jobId });
    const webhookEvent = WEBHOOK_EVENTS[to];
    // Read again: settling the cost has just set finalCost, which receivers of the end want.
    if (webhookEvent)
      await recordEvent(tx, services, job.ownerId, webhookEvent, async () => trainingJobEventData(await tx.trainingJob.findUniqueOrThrow({ where: { id: jobId } })));
    const kind = NOTIFICATIONS[to];
    const notificationId = kind
      ? await createNotification(
          {
            ownerId: job.ownerId,
            type: kind.type,
            title: kind.title(job.name),
            message: options.message,
            priority: kind.priority,
            link: `/training/jobs/${jobId}`,
            metadata: { jobId, status: to },
            dedupeKey: `job:${jobId}:${to}`,
          },
          tx,
        )
      : null;
    return { job, notificationId };
  });
  if (!result) return null;
  publishJobUpdated(services, result.job);
  publishNotification(services, result.job.ownerId, result.notificationId);
  // A trainer's uploads are kept for the artifact job of a COMPLETED run only.
  if (to === 'FAILED' || to === 'CANCELLED') await deleteStagedUploads(services, result.job);
  // The final cost record may carry the month's spend over a budget threshold.
  if (NEXT_STATUSES[to].length === 0) await applyBudget(services, result.job.ownerId);
  return result.job;
}

/** Whether the job has ended (or is gone). A failed read is not the end: a live stream stays open and asks again later. */
export async function jobHasEnded(jobId: string): Promise<boolean> {
  const job = await db.trainingJob.findUnique({ where: { id: jobId }, select: { status: true } }).catch(() => undefined);
  return job === null || (job !== undefined && isTerminal(job.status));
}
