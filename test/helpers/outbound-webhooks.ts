// GraphQL operations for outgoing webhooks, shared by their integration, security and browser tests.
import type { TestApp } from './app.js';

export const ENDPOINT_FIELDS = 'id url description eventTypes enabled disabledReason consecutiveFailures previousSecretExpiresAt';
export const DELIVERY_FIELDS =
  'id eventId eventType status attemptCount nextAttemptAt deliveredAt payload attempts { startedAt durationMs succeeded responseStatus responseBody error }';

export const CREATE_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  __typename
  ... on WebhookEndpointSecretPayload { secret webhookEndpoint { ${ENDPOINT_FIELDS} } }
  ... on InvalidInputError { problems { path message } }
  ... on Error { message } } }`;

export const SEND_TEST = `mutation($id: ID!) { sendWebhookTestEvent(id: $id) {
  __typename
  ... on WebhookDeliveryPayload { delivery { ${DELIVERY_FIELDS} } }
  ... on Error { message } } }`;

export const ROTATE_SECRET = `mutation($id: ID!) { rotateWebhookEndpointSecret(id: $id) {
  __typename
  ... on WebhookEndpointSecretPayload { secret webhookEndpoint { ${ENDPOINT_FIELDS} } }
  ... on Error { message } } }`;

export const REDELIVER = `mutation($id: ID!) { redeliverWebhookDelivery(id: $id) {
  __typename
  ... on WebhookDeliveryPayload { delivery { ${DELIVERY_FIELDS} } }
  ... on Error { message } } }`;

export const DELIVERY = `query($id: ID!) { node(id: $id) { ... on WebhookDelivery { ${DELIVERY_FIELDS} } } }`;

/** Creates an endpoint; returns its global id and secret, or throws with what came back. */
export async function createEndpoint(t: Pick<TestApp, 'gql'>, token: string, input: { url: string; eventTypes: string[]; description?: string }) {
  const res = await t.gql(CREATE_ENDPOINT, { input }, token);
  const payload = res.body.data?.createWebhookEndpoint;
  if (payload?.__typename !== 'WebhookEndpointSecretPayload') throw new Error(`createWebhookEndpoint: ${JSON.stringify(res.body)}`);
  return { id: payload.webhookEndpoint.id as string, secret: payload.secret as string, endpoint: payload.webhookEndpoint };
}

/** Sends a test event; returns its delivery. */
export async function sendTestEvent(t: Pick<TestApp, 'gql'>, token: string, endpointId: string) {
  const res = await t.gql(SEND_TEST, { id: endpointId }, token);
  const payload = res.body.data?.sendWebhookTestEvent;
  if (payload?.__typename !== 'WebhookDeliveryPayload') throw new Error(`sendWebhookTestEvent: ${JSON.stringify(res.body)}`);
  return payload.delivery;
}

/** The delivery now, as its owner reads it. */
export async function readDelivery(t: Pick<TestApp, 'gql'>, token: string, id: string) {
  return (await t.gql(DELIVERY, { id }, token)).body.data?.node;
}

export const ALL_EVENT_TYPES = [
  'DATASET_READY',
  'DATASET_INVALID',
  'TRAINING_JOB_STARTED',
  'TRAINING_JOB_COMPLETED',
  'TRAINING_JOB_FAILED',
  'TRAINING_JOB_CANCELLED',
  'TRAINING_JOB_COST_CAP_REACHED',
  'MODEL_STORED',
  'BUDGET_THRESHOLD_REACHED',
];
