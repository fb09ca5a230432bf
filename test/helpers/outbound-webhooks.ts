// GraphQL operations for outgoing webhooks, shared by their integration, security and browser tests.
import { graphql } from '../gql/index.js';
import type { CreateWebhookEndpointInput, WebhookEventType } from '../gql/graphql.js';
import type { TestApp } from './app.js';

graphql(`
  fragment WebhooksEndpointFields on WebhookEndpoint {
    id url description eventTypes enabled disabledReason consecutiveFailures previousSecretExpiresAt
  }
`);

graphql(`
  fragment WebhooksDeliveryFields on WebhookDelivery {
    id eventId eventType status attemptCount nextAttemptAt deliveredAt payload
    attempts { startedAt durationMs succeeded responseStatus responseBody error }
  }
`);

export const CREATE_ENDPOINT = graphql(`
  mutation WebhooksCreateEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      __typename
      ... on WebhookEndpointSecretPayload {
        secret
        webhookEndpoint { ...WebhooksEndpointFields }
      }
      ... on InvalidInputError { problems { path message } }
    }
  }
`);

export const SEND_TEST = graphql(`
  mutation WebhooksSendTest($id: ID!) {
    sendWebhookTestEvent(id: $id) {
      __typename
      ... on WebhookDeliveryPayload {
        delivery { ...WebhooksDeliveryFields }
      }
      ... on Error { message }
    }
  }
`);

export const ROTATE_SECRET = graphql(`
  mutation WebhooksRotateSecret($id: ID!) {
    rotateWebhookEndpointSecret(id: $id) {
      __typename
      ... on WebhookEndpointSecretPayload {
        secret
        webhookEndpoint { ...WebhooksEndpointFields }
      }
      ... on Error { message }
    }
  }
`);

export const REDELIVER = graphql(`
  mutation WebhooksRedeliver($id: ID!) {
    redeliverWebhookDelivery(id: $id) {
      __typename
      ... on WebhookDeliveryPayload {
        delivery { ...WebhooksDeliveryFields }
      }
      ... on Error { message }
    }
  }
`);

export const DELIVERY = graphql(`
  query WebhooksDelivery($id: ID!) {
    node(id: $id) {
      __typename
      ...WebhooksDeliveryFields
    }
  }
`);

/** Creates an endpoint; returns its global id and secret, or throws with what came back. */
export async function createEndpoint(t: Pick<TestApp, 'gql'>, token: string, input: CreateWebhookEndpointInput) {
  const res = await t.gql(CREATE_ENDPOINT, { input }, token);
  const payload = res.body.data?.createWebhookEndpoint;
  if (payload?.__typename !== 'WebhookEndpointSecretPayload') throw new Error(`createWebhookEndpoint: ${JSON.stringify(res.body)}`);
  return { id: payload.webhookEndpoint.id, secret: payload.secret, endpoint: payload.webhookEndpoint };
}

/** Sends a test event; returns its delivery. */
export async function sendTestEvent(t: Pick<TestApp, 'gql'>, token: string, endpointId: string) {
  const res = await t.gql(SEND_TEST, { id: endpointId }, token);
  const payload = res.body.data?.sendWebhookTestEvent;
  if (payload?.__typename !== 'WebhookDeliveryPayload') throw new Error(`sendWebhookTestEvent: ${JSON.stringify(res.body)}`);
  return payload.delivery;
}

/** The delivery now, as its owner reads it (null when it is not found). */
export async function readDelivery(t: Pick<TestApp, 'gql'>, token: string, id: string) {
  const node = (await t.gql(DELIVERY, { id }, token)).body.data?.node;
  return node?.__typename === 'WebhookDelivery' ? node : null;
}

export const ALL_EVENT_TYPES: WebhookEventType[] = [
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
