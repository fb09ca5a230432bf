// What a job's change publishes: to its own subscribers and its owner's list feed.
import type { Services } from '../services/services.js';

/**
 * Tells the job's subscribers and its owner's list feed that the job was created or changed (status, cancel
 * request, artifact): the one place such a change is published.
 */
export function publishJobUpdated(services: Pick<Services, 'pubsub'>, job: { id: string; ownerId: string }): void {
  services.pubsub.publish('trainingJobUpdated', job.id, { id: job.id });
  services.pubsub.publish('listChanged', job.ownerId, { type: 'TrainingJob', id: job.id });
}

/**
 * A running job's progress tick (step, cost, ETA), several a second: for the job's own subscribers (its monitor,
 * and the list rows watching an active job), not the owner's list feed.
 */
export function publishJobProgress(services: Pick<Services, 'pubsub'>, jobId: string): void {
  services.pubsub.publish('trainingJobUpdated', jobId, { id: jobId, progress: true });
}
