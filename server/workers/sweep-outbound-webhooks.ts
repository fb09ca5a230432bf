// outbound-webhooks-sweep: outbound-webhooks/sweep.ts.
import { sweepWebhookEvents } from '../outbound-webhooks/sweep.js';
import { sweepOutboundWebhooksJob } from '../queue/definitions.js';
import { implement } from './context.js';

export const sweepOutboundWebhooksWorker = implement(sweepOutboundWebhooksJob, async (_data, { services, log }) => {
  const deleted = await sweepWebhookEvents(services.config.outboundWebhooks);
  if (deleted > 0) log.info('webhook events swept', { deleted });
});
