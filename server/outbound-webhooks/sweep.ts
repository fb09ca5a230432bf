// Deletes outgoing webhook events older than the retention window, with their deliveries and attempts; an
// event with a delivery still PENDING is kept until that delivery ends.
import { db } from '../db/client.js';
import type { Config } from '../config.js';

/** Returns how many events were deleted. */
export async function sweepWebhookEvents(config: Pick<Config['outboundWebhooks'], 'retentionDays'>, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - config.retentionDays * 86_400_000);
  const { count } = await db.webhookEvent.deleteMany({ where: { createdAt: { lt: before }, deliveries: { none: { status: 'PENDING' } } } });
  return count;
}
