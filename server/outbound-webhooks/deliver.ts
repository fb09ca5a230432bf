// One attempt of one delivery: sign, POST, record what came back, then either
// finish, or enqueue the next try on the retry schedule. An endpoint whose
// attempts have all failed for long enough is disabled and its owner told.
import { db } from '../db/client.js';
import { deliverOutboundWebhookJob, type DeliveryRun } from '../queue/definitions.js';
import { inTransaction } from '../queue/queue.js';
import { createNotification, publishNotification } from '../notifications/notify.js';
import type { Services } from '../services/services.js';
import { postWebhook } from './post.js';
import { activeSecrets, signedHeaders } from './signing.js';

export async function attemptDelivery(services: Services, run: DeliveryRun): Promise<void> {
  const config = services.config.outboundWebhooks;
  const delivery = await db.webhookDelivery.findUnique({ where: { id: run.deliveryId }, include: { endpoint: true, event: true } });
  // Finished, or this attempt was already recorded by an earlier run of the same queue job.
  if (delivery?.status !== 'PENDING' || delivery.attemptCount !== run.attempt) return;
  const { endpoint, event } = delivery;
  if (!endpoint.enabled) {
    await db.webhookDelivery.updateMany({ where: { id: delivery.id, status: 'PENDING' }, data: { status: 'FAILED', nextAttemptAt: null } });
    return;
  }
  const startedAt = new Date();
  const headers = signedHeaders(activeSecrets(endpoint, startedAt), event.id, event.body, startedAt);
  const result = await postWebhook(config, endpoint.url, headers, event.body);
  const wait = result.ok ? undefined : config.retryScheduleSeconds[run.retry];
  const retryAt = wait === undefined ? null : new Date(Date.now() + wait * 1000);

  const notificationId = await db.$transaction(async (tx) => {
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: 'PENDING', attemptCount: run.attempt },
      data: {
        attemptCount: run.attempt + 1,
        status: result.ok ? 'SUCCEEDED' : retryAt ? 'PENDING' : 'FAILED',
        nextAttemptAt: retryAt,
        ...(result.ok ? { deliveredAt: new Date() } : {}),
      },
    });
    if (count === 0) return null;
    await tx.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        startedAt,
        durationMs: result.durationMs,
        succeeded: result.ok,
        responseStatus: result.status,
        responseBody: result.body,
        error: result.error,
      },
    });
    if (retryAt) {
      const next = { deliveryId: delivery.id, attempt: run.attempt + 1, retry: run.retry + 1 };
      await services.jobs.enqueue(deliverOutboundWebhookJob, next, { tx: inTransaction(tx), startAfter: retryAt });
    }
    if (result.ok) {
      await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0, failingSince: null } });
      return null;
    }
    const failing = await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { consecutiveFailures: { increment: 1 } } });
    const since = failing.failingSince ?? startedAt;
    if (!failing.failingSince) await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { failingSince: since } });
    const sustained = failing.consecutiveFailures >= config.disableAfterFailures && Date.now() - since.getTime() >= config.disableAfterSeconds * 1000;
    if (!sustained) return null;
    const reason = `Disabled after ${failing.consecutiveFailures} failed attempts in a row since ${since.toISOString()}.`;
    const disabled = await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, enabled: true }, data: { enabled: false, disabledAt: new Date(), disabledReason: reason } });
    if (disabled.count === 0) return null;
    return createNotification(
      {
        ownerId: endpoint.ownerId,
        type: 'WEBHOOK_ENDPOINT_DISABLED',
        title: `Webhook endpoint ${endpoint.url} was disabled`,
        message: `${reason} Last error: ${result.error ?? `HTTP ${result.status}`}. Fix the receiver, enable the endpoint on the Settings page, then redeliver what it missed.`,
        priority: 'HIGH',
        link: '/settings',
        metadata: { webhookEndpointId: endpoint.id },
        dedupeKey: `webhook-endpoint:${endpoint.id}:disabled:${since.toISOString()}`,
      },
      tx,
    );
  });
  publishNotification(services, endpoint.ownerId, notificationId);
  services.pubsub.publish('webhookDeliveryUpdated', endpoint.ownerId, { id: delivery.id });
}
