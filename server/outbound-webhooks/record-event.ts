// The one way an event reaches outgoing webhooks: called inside the
// transaction that caused it, it stores the event and one delivery per
// enabled endpoint that wants it, and enqueues each delivery in that same
// transaction, so an event is sent if and only if its cause committed.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../db/client.js';
import { deliverOutboundWebhookJob } from '../queue/definitions.js';
import { inTransaction } from '../queue/queue.js';
import type { Services } from '../services/services.js';
import type { WebhookEventType } from './event-types.js';

export interface RecordEventOptions {
  /** Deliver to this endpoint only, whatever its event types (the test event). */
  endpointId?: string;
}

/** The JSON body receivers get. */
export interface WebhookEventBody {
  id: string;
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

type EventData = Record<string, unknown>;

/** Returns the event's id, or null when no endpoint of the owner wants it (nothing is stored then). */
export async function recordEvent(
  tx: Prisma.TransactionClient,
  services: Pick<Services, 'jobs'>,
  ownerId: string,
  type: WebhookEventType,
  /** The event's data, or a function that reads it: called only when some endpoint wants the event. */
  data: EventData | (() => Promise<EventData>),
  options: RecordEventOptions = {},
): Promise<string | null> {
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { ownerId, enabled: true, ...(options.endpointId ? { id: options.endpointId } : { eventTypes: { has: type } }) },
    select: { id: true },
  });
  if (endpoints.length === 0) return null;
  const body: WebhookEventBody = { id: randomUUID(), type, timestamp: new Date().toISOString(), data: typeof data === 'function' ? await data() : data };
  await tx.webhookEvent.create({ data: { id: body.id, ownerId, type, body: JSON.stringify(body) } });
  const deliveries = await tx.webhookDelivery.createManyAndReturn({
    data: endpoints.map((e) => ({ ownerId, endpointId: e.id, eventId: body.id, nextAttemptAt: new Date() })),
    select: { id: true },
  });
  for (const delivery of deliveries) {
    await services.jobs.enqueue(deliverOutboundWebhookJob, { deliveryId: delivery.id, attempt: 0, retry: 0 }, { tx: inTransaction(tx) });
  }
  return body.id;
}
