// Sends one attempt of an outgoing webhook delivery (server/outbound-webhooks).
// The retry schedule is the domain's: a failed attempt enqueues the next one;
// pg-boss's own retries only cover a worker that died or a database error.
import { z } from 'zod';
import { attemptDelivery } from '../outbound-webhooks/deliver.js';
import { defineJob } from '../queue/define.js';

const payload = z.object({
  deliveryId: z.uuid(),
  /** Attempts recorded before this one: a second run of the same queue job finds it recorded and stops. */
  attempt: z.number().int().min(0),
  /** Index of the wait before the next try, in the retry schedule. */
  retry: z.number().int().min(0),
});

export type DeliveryRun = z.infer<typeof payload>;

export const deliverOutboundWebhookJob = defineJob({
  name: 'outbound-webhook-deliver',
  payload,
  // The heartbeat hands a killed worker's attempt to another within seconds.
  queue: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 5 * 60, heartbeatSeconds: 10 },
  concurrency: 8,
  // A busy queue is drained without waiting for the next poll; a repeated attempt finds itself recorded and stops.
  batchSize: 10,
  async handle(run, { services }) {
    await attemptDelivery(services, run);
  },
});
