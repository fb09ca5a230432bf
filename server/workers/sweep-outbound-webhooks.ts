// Every day: deletes outgoing webhook events past WEBHOOK_RETENTION_DAYS (outbound-webhooks/sweep.ts).
import { z } from 'zod';
import { sweepWebhookEvents } from '../outbound-webhooks/sweep.js';
import { defineJob } from '../queue/define.js';

export const sweepOutboundWebhooksJob = defineJob({
  name: 'outbound-webhooks-sweep',
  payload: z.object({}),
  queue: { policy: 'singleton', retryLimit: 2, retryDelay: 60, expireInSeconds: 30 * 60 },
  schedule: { cron: '17 3 * * *', data: {} },
  async handle(_data, { services, log }) {
    const deleted = await sweepWebhookEvents(services.config.outboundWebhooks);
    if (deleted > 0) log.info('webhook events swept', { deleted });
  },
});
