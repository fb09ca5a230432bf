// outbound-webhook-deliver: one attempt (outbound-webhooks/deliver.ts); the retry schedule is the domain's: a failed
// attempt enqueues the next one; pg-boss's own retries only cover a worker that died or a database error.
import { attemptDelivery } from '../outbound-webhooks/deliver.js';
import { deliverOutboundWebhookJob } from '../queue/definitions.js';
import { implement } from './context.js';

export const deliverOutboundWebhookWorker = implement(deliverOutboundWebhookJob, (run, { services }) => attemptDelivery(services, run));
