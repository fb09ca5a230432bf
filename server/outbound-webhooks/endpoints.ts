// Managing a user's webhook endpoints: create, update (enable/disable), delete,
// rotate the secret, send a test event, redeliver. Every query filters by the
// owner, so another user's endpoint or delivery is simply not found.
import { db } from '../db/client.js';
import { InvalidInputError, NotFoundError, assertNoProblems, type FieldProblem } from '../errors.js';
import { deliverOutboundWebhookJob } from '../queue/definitions.js';
import { inTransaction } from '../queue/queue.js';
import type { Services } from '../services/services.js';
import { WebhookEndpointDisabledError } from './errors.js';
import { subscribableEventTypes } from './event-types.js';
import { recordEvent } from './record-event.js';
import { generateWebhookSecret } from './signing.js';
import { urlProblem } from './url-policy.js';

export const MAX_ENDPOINTS_PER_USER = 20;
const MAX_DESCRIPTION = 500;

export interface EndpointInput {
  url?: string | null;
  eventTypes?: readonly string[] | null;
  description?: string | null;
}

/** Every problem of the given fields at once; `required` for creation. */
async function checkInput(services: Pick<Services, 'config'>, input: EndpointInput, required: boolean): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (input.url != null || required) {
    const problem = await urlProblem(services.config.outboundWebhooks, input.url?.trim() ?? '');
    if (problem) problems.push({ path: ['url'], message: problem });
  }
  if (input.eventTypes != null || required) {
    const types = input.eventTypes ?? [];
    if (types.length === 0) problems.push({ path: ['eventTypes'], message: 'choose at least one event type' });
    for (const type of types) {
      if (!(subscribableEventTypes as string[]).includes(type)) problems.push({ path: ['eventTypes'], message: `${type} is not an event type an endpoint can receive` });
    }
  }
  if (input.description != null && input.description.length > MAX_DESCRIPTION) problems.push({ path: ['description'], message: `must be at most ${MAX_DESCRIPTION} characters` });
  return problems;
}

async function ownedEndpoint(ownerId: string, id: string) {
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id, ownerId } });
  if (!endpoint) throw new NotFoundError('WebhookEndpoint', id);
  return endpoint;
}

/** Returns the endpoint and its secret, which is shown this once. */
export async function createWebhookEndpoint(services: Pick<Services, 'config'>, ownerId: string, input: Required<EndpointInput>) {
  assertNoProblems(await checkInput(services, input, true));
  if ((await db.webhookEndpoint.count({ where: { ownerId } })) >= MAX_ENDPOINTS_PER_USER) {
    throw new InvalidInputError([{ path: ['url'], message: `at most ${MAX_ENDPOINTS_PER_USER} webhook endpoints per user` }]);
  }
  const secret = generateWebhookSecret();
  const endpoint = await db.webhookEndpoint.create({
    data: { ownerId, url: input.url!.trim(), eventTypes: [...new Set(input.eventTypes!)], description: input.description?.trim() ?? '', secret },
  });
  return { endpoint, secret };
}

/** Changes the given fields; enabling starts the failure count afresh. */
export async function updateWebhookEndpoint(services: Pick<Services, 'config'>, ownerId: string, id: string, input: EndpointInput & { enabled?: boolean | null }) {
  const endpoint = await ownedEndpoint(ownerId, id);
  assertNoProblems(await checkInput(services, input, false));
  const toggle =
    input.enabled == null || input.enabled === endpoint.enabled
      ? {}
      : input.enabled
        ? { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0, failingSince: null }
        : { enabled: false, disabledAt: new Date(), disabledReason: 'Disabled by its owner.' };
  return db.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: {
      ...(input.url != null ? { url: input.url.trim() } : {}),
      ...(input.eventTypes != null ? { eventTypes: [...new Set(input.eventTypes)] } : {}),
      ...(input.description != null ? { description: input.description.trim() } : {}),
      ...toggle,
    },
  });
}

/** Deletes the endpoint with its deliveries and attempts; returns it as it was. */
export async function deleteWebhookEndpoint(ownerId: string, id: string) {
  const endpoint = await ownedEndpoint(ownerId, id);
  await db.webhookEndpoint.deleteMany({ where: { id: endpoint.id, ownerId } });
  return endpoint;
}

/** A new secret signs from now on; the old one also signs for the configured overlap. Returns the new secret, shown once. */
export async function rotateWebhookEndpointSecret(services: Pick<Services, 'config'>, ownerId: string, id: string) {
  const endpoint = await ownedEndpoint(ownerId, id);
  const secret = generateWebhookSecret();
  const overlapEnds = new Date(Date.now() + services.config.outboundWebhooks.secretOverlapSeconds * 1000);
  const updated = await db.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: { secret, previousSecret: endpoint.secret, previousSecretExpiresAt: overlapEnds },
  });
  return { endpoint: updated, secret };
}

/** Sends a webhook.test event to this endpoint only; returns its delivery. */
export async function sendWebhookTestEvent(services: Services, ownerId: string, id: string) {
  const endpoint = await ownedEndpoint(ownerId, id);
  if (!endpoint.enabled) throw new WebhookEndpointDisabledError();
  const data = { message: 'A test event from BrightRun: the endpoint is reachable and signatures verify.', endpointUrl: endpoint.url };
  const eventId = await db.$transaction((tx) => recordEvent(tx, services, ownerId, 'webhook.test', data, { endpointId: endpoint.id }));
  // Null only if the endpoint was disabled or deleted in between.
  if (!eventId) throw new WebhookEndpointDisabledError();
  const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { endpointId_eventId: { endpointId: endpoint.id, eventId } } });
  services.pubsub.publish('webhookDeliveryUpdated', ownerId, { id: delivery.id });
  return delivery;
}

/** Sends a delivery again, its retries starting afresh. One still pending is left as it is (it is on its way). */
export async function redeliverWebhookDelivery(services: Services, ownerId: string, id: string) {
  const delivery = await db.webhookDelivery.findFirst({ where: { id, ownerId }, include: { endpoint: { select: { enabled: true } } } });
  if (!delivery) throw new NotFoundError('WebhookDelivery', id);
  if (!delivery.endpoint.enabled) throw new WebhookEndpointDisabledError();
  if (delivery.status === 'PENDING') return delivery;
  return db
    .$transaction(async (tx) => {
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id: delivery.id, status: delivery.status, attemptCount: delivery.attemptCount },
        data: { status: 'PENDING', nextAttemptAt: new Date() },
      });
      if (count === 1) {
        await services.jobs.enqueue(deliverOutboundWebhookJob, { deliveryId: delivery.id, attempt: delivery.attemptCount, retry: 0 }, { tx: inTransaction(tx) });
      }
      return tx.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    })
    .then((pending) => {
      services.pubsub.publish('webhookDeliveryUpdated', ownerId, { id: pending.id });
      return pending;
    });
}
