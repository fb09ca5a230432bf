// Outgoing webhooks: the caller's endpoints, their deliveries and attempts, and
// the mutations that manage them (server/outbound-webhooks has the rules).
import { db } from '../server/db/client.js';
import { WebhookDeliveryStatus } from '../server/db/generated/prisma/enums.js';
import { NotFoundError } from '../server/errors.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  redeliverWebhookDelivery,
  rotateWebhookEndpointSecret,
  sendWebhookTestEvent,
  updateWebhookEndpoint,
} from '../server/outbound-webhooks/endpoints.js';
import { WebhookEndpointDisabledError } from '../server/outbound-webhooks/errors.js';
import { WEBHOOK_EVENT_TYPES, isWebhookEventType, type WebhookEventType } from '../server/outbound-webhooks/event-types.js';
import { builder, checkedCursor, viewerId } from './builder.js';
import { ErrorInterface, InvalidInputError } from './errors.js';

/** GraphQL names for the dotted event types receivers see: TRAINING_JOB_COMPLETED is training_job.completed. */
const enumName = (type: string) => type.replace('.', '_').toUpperCase();

const WebhookEventTypeEnum = builder.enumType('WebhookEventType', {
  description: 'What an event is about. Receivers see the dotted name in the body\'s "type", e.g. training_job.completed.',
  values: Object.fromEntries(
    Object.entries(WEBHOOK_EVENT_TYPES).map(([type, description]) => [enumName(type), { value: type as WebhookEventType, description: `${type}: ${description}` }]),
  ),
});

const WebhookDeliveryStatusEnum = builder.enumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING: on its way or waiting for a retry. SUCCEEDED: a 2xx came back. FAILED: every retry failed (redeliver to try again).',
});

builder.objectType(WebhookEndpointDisabledError, {
  name: 'WebhookEndpointDisabledError',
  interfaces: [ErrorInterface],
  description: 'The endpoint is disabled (by its owner, or after a sustained run of failures): enable it first.',
  fields: () => ({}),
});

const eventTypeList = (types: string[]) => types.filter(isWebhookEventType);

export const WebhookEndpointRef = builder.prismaNode('WebhookEndpoint', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, ownerId: viewerId(ctx) }),
  // node(id) of a missing or foreign object answers null, not an internal error.
  nullable: true,
  description: "A URL the caller's events are POSTed to, signed as the Standard Webhooks specification says.",
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description'),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], select: { eventTypes: true }, resolve: (e) => eventTypeList(e.eventTypes) }),
    enabled: t.exposeBoolean('enabled'),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true }),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Failed attempts since the last success.' }),
    previousSecretExpiresAt: t.expose('previousSecretExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'After a rotation, until when the old secret signs deliveries too.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deliveries: t.relatedConnection('deliveries', {
      cursor: 'id',
      totalCount: true,
      description: 'Events sent here, newest first.',
      query: () => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

export const WebhookDeliveryRef = builder.prismaNode('WebhookDelivery', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, ownerId: viewerId(ctx) }),
  nullable: true,
  description: 'One event for one endpoint, with every attempt to send it.',
  fields: (t) => ({
    eventId: t.string({
      select: { eventId: true },
      description: 'The webhook-id header: the same for every attempt, so receivers can drop duplicates.',
      resolve: (d) => d.eventId,
    }),
    eventType: t.field({ type: WebhookEventTypeEnum, select: { event: { select: { type: true } } }, resolve: (d) => d.event.type as WebhookEventType }),
    payload: t.string({ select: { event: { select: { body: true } } }, description: 'The JSON body sent, byte for byte.', resolve: (d) => d.event.body }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum }),
    attemptCount: t.exposeInt('attemptCount'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    endpoint: t.relation('endpoint'),
    attempts: t.relation('attempts', { description: 'Newest first.', query: { orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] } }),
  }),
});

builder.prismaObject('WebhookAttempt', {
  description: 'One POST of a delivery and what came back.',
  fields: (t) => ({
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    durationMs: t.exposeInt('durationMs'),
    succeeded: t.exposeBoolean('succeeded'),
    responseStatus: t.exposeInt('responseStatus', { nullable: true, description: 'Null when no answer came (timeout, connection refused).' }),
    responseBody: t.exposeString('responseBody', { nullable: true, description: 'The first 1 KiB of the answer.' }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.prismaConnection({
    type: 'WebhookEndpoint',
    cursor: 'id',
    description: "The caller's webhook endpoints, newest first.",
    authScopes: { user: true },
    totalCount: (_parent, _args, ctx) => db.webhookEndpoint.count({ where: { ownerId: viewerId(ctx) } }),
    resolve: (query, _root, _args, ctx) =>
      db.webhookEndpoint.findMany({ ...checkedCursor(query), where: { ownerId: viewerId(ctx) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);

builder.queryField('webhookEndpoint', (t) =>
  t.prismaField({
    type: 'WebhookEndpoint',
    nullable: true,
    description: "One of the caller's webhook endpoints; null when it does not exist or is someone else's.",
    authScopes: { user: true },
    args: { id: t.arg.globalID({ required: true, for: WebhookEndpointRef }) },
    resolve: (query, _root, { id }, ctx) => db.webhookEndpoint.findFirst({ ...query, where: { id: id.id, ownerId: viewerId(ctx) } }),
  }),
);

const CreateWebhookEndpointInput = builder.inputType('CreateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({ required: true, description: 'Where events are POSTed. https in production; private addresses are refused unless WEBHOOK_ALLOW_PRIVATE_URLS.' }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], required: true, description: 'The events to receive (WEBHOOK_TEST cannot be chosen: sendWebhookTestEvent sends it).' }),
    description: t.string({ description: 'What the endpoint is for.' }),
  }),
});

const UpdateWebhookEndpointInput = builder.inputType('UpdateWebhookEndpointInput', {
  fields: (t) => ({
    id: t.globalID({ required: true, for: WebhookEndpointRef }),
    url: t.string(),
    eventTypes: t.field({ type: [WebhookEventTypeEnum] }),
    description: t.string(),
    enabled: t.boolean({ description: 'false disables it (nothing is sent); true enables it again and forgets past failures.' }),
  }),
});

const EndpointWithSecretPayload = builder.simpleObject('WebhookEndpointSecretPayload', {
  fields: (t) => ({
    webhookEndpoint: t.field({ type: WebhookEndpointRef }),
    secret: t.string({ description: 'The signing secret (whsec_…). Shown once: store it with the receiver.' }),
  }),
});

const EndpointPayload = builder.simpleObject('WebhookEndpointPayload', {
  fields: (t) => ({ webhookEndpoint: t.field({ type: WebhookEndpointRef }) }),
});

const DeliveryPayload = builder.simpleObject('WebhookDeliveryPayload', {
  fields: (t) => ({ delivery: t.field({ type: WebhookDeliveryRef }) }),
});

builder.mutationField('createWebhookEndpoint', (t) =>
  t.field({
    type: EndpointWithSecretPayload,
    description: 'Adds a webhook endpoint. Its secret is in the answer, once.',
    authScopes: { user: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { endpoint, secret } = await createWebhookEndpoint(ctx.services, viewerId(ctx), { url: input.url, eventTypes: input.eventTypes, description: input.description ?? '' });
      return { webhookEndpoint: endpoint, secret };
    },
  }),
);

builder.mutationField('updateWebhookEndpoint', (t) =>
  t.field({
    type: EndpointPayload,
    description: 'Changes the fields given: URL, event types, description, enabled.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, InvalidInputError] },
    args: { input: t.arg({ type: UpdateWebhookEndpointInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ webhookEndpoint: await updateWebhookEndpoint(ctx.services, viewerId(ctx), input.id.id, input) }),
  }),
);

builder.mutationField('deleteWebhookEndpoint', (t) =>
  t.field({
    type: EndpointPayload,
    description: 'Deletes an endpoint with its deliveries. Answers the endpoint as it was.',
    authScopes: { user: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: WebhookEndpointRef }) },
    resolve: async (_root, { id }, ctx) => ({ webhookEndpoint: await deleteWebhookEndpoint(viewerId(ctx), id.id) }),
  }),
);

builder.mutationField('rotateWebhookEndpointSecret', (t) =>
  t.field({
    type: EndpointWithSecretPayload,
    description: 'A new secret signs from now on; the old one keeps signing too for WEBHOOK_SECRET_OVERLAP_SECONDS, so receivers can switch without missing events.',
    authScopes: { user: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: WebhookEndpointRef }) },
    resolve: async (_root, { id }, ctx) => {
      const { endpoint, secret } = await rotateWebhookEndpointSecret(ctx.services, viewerId(ctx), id.id);
      return { webhookEndpoint: endpoint, secret };
    },
  }),
);

builder.mutationField('sendWebhookTestEvent', (t) =>
  t.field({
    type: DeliveryPayload,
    description: 'Sends a webhook.test event to this endpoint; its attempts show on the delivery.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, WebhookEndpointDisabledError] },
    args: { id: t.arg.globalID({ required: true, for: WebhookEndpointRef }) },
    resolve: async (_root, { id }, ctx) => ({ delivery: await sendWebhookTestEvent(ctx.services, viewerId(ctx), id.id) }),
  }),
);

builder.mutationField('redeliverWebhookDelivery', (t) =>
  t.field({
    type: DeliveryPayload,
    description: 'Sends a delivery again, same event id and body, its retries starting afresh. One still PENDING is left on its way.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, WebhookEndpointDisabledError] },
    args: { id: t.arg.globalID({ required: true, for: WebhookDeliveryRef }) },
    resolve: async (_root, { id }, ctx) => ({ delivery: await redeliverWebhookDelivery(ctx.services, viewerId(ctx), id.id) }),
  }),
);

builder.subscriptionField('webhookDeliveryUpdated', (t) =>
  t.prismaField({
    type: 'WebhookDelivery',
    description: "Each of the caller's webhook deliveries as it is made (test events, redeliveries) or an attempt is recorded.",
    authScopes: { user: true },
    subscribe: (_root, _args, ctx) => ctx.services.pubsub.subscribe('webhookDeliveryUpdated', viewerId(ctx)),
    resolve: (query, payload: { id: string }, _args, ctx) => db.webhookDelivery.findFirstOrThrow({ ...query, where: { id: payload.id, ownerId: viewerId(ctx) } }),
  }),
);
