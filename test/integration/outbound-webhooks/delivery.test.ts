// Outgoing webhooks end to end, through the real API, queues and simulated GPU provider, to a real local HTTP
// receiver: every event type arrives signed and verifies with the reference library (standardwebhooks); a
// failing or slow receiver is retried on the schedule and then left alone; a rotated secret overlaps.
import { print } from 'graphql';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import { sweepWebhookEvents } from '../../../server/outbound-webhooks/sweep.js';
import { startTestApp, wsCollect, type TestApp } from '../../helpers/app.js';
import { jsonl, uploadDataset } from '../../helpers/datasets.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';
import { graphql } from '../../gql/index.js';
import { storedModel } from '../../helpers/models.js';
import { ALL_EVENT_TYPES, REDELIVER, ROTATE_SECRET, SEND_TEST, createEndpoint, readDelivery, sendTestEvent } from '../../helpers/outbound-webhooks.js';
import { rawId, until } from '../../helpers/processes.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../../helpers/webhook-receiver.js';

let t: TestApp;
let receiver: WebhookReceiver;
let alice: TestUser;

/** Retries after 0.3 s, then 0.3 s: a delivery gets at most three attempts here; four failures in a row disable an endpoint. */
const RETRIES = [0.3, 0.3];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  t = await startTestApp(
    {
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_SCHEDULE_SECONDS: RETRIES.join(','),
      WEBHOOK_TIMEOUT_SECONDS: '1',
      POLL_INTERVAL_SECONDS: '0.5',
      WEBHOOK_DISABLE_AFTER_FAILURES: '4',
      WEBHOOK_DISABLE_AFTER_SECONDS: '0',
    },
    { stepIntervalMs: 100 },
  );
  alice = await createUser(t);
});
afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

const CANCEL_JOB = graphql(`
  mutation WebhookDeliveryCancelJob($id: ID!) {
    cancelTrainingJob(id: $id) { __typename }
  }
`);
const SET_BUDGET = graphql(`
  mutation WebhookDeliverySetBudget($input: SetBudgetInput!) {
    setBudget(input: $input) { __typename }
  }
`);
const ENDPOINT = graphql(`
  query WebhookDeliveryEndpoint($id: ID!) {
    webhookEndpoint(id: $id) { enabled disabledReason consecutiveFailures }
  }
`);
const NOTIFICATIONS = graphql(`
  query WebhookDeliveryNotifications {
    notifications(first: 10) { edges { node { type title message } } }
  }
`);
const ENABLE_ENDPOINT = graphql(`
  mutation WebhookDeliveryEnableEndpoint($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) {
      __typename
      ... on WebhookEndpointPayload { webhookEndpoint { enabled consecutiveFailures disabledReason } }
    }
  }
`);
const DELIVERY_UPDATED = graphql(`
  subscription WebhookDeliveryUpdated {
    webhookDeliveryUpdated { id status attemptCount attempts { responseStatus } }
  }
`);

/** Verifies a request with the reference library and returns the body it vouches for. */
type WebhookBody = { id: string; type: string; timestamp: string; data: Record<string, unknown> };
function verified(secret: string, request: ReceivedWebhook): WebhookBody {
  return new Webhook(secret).verify(request.body, request.headers) as WebhookBody;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('events', () => {
  it('sends every event type, signed; each verifies with the reference library and names its object by global id', async () => {
    const { secret } = await createEndpoint(t, alice.token, { url: `${receiver.url}/all`, eventTypes: ALL_EVENT_TYPES, description: 'everything' });
    // Bob's endpoint hears every type too, but none of Alice's events.
    const bob = await createUser(t);
    await createEndpoint(t, bob.token, { url: `${receiver.url}/bob`, eventTypes: ALL_EVENT_TYPES });

    // dataset.ready, training_job.started, training_job.completed, model.stored
    const datasetId = await readyDataset(t, alice.token);
    const model = await storedModel(t, alice.token, { datasetId, name: 'webhook run' });
    // dataset.invalid
    const invalidId = await uploadDataset(t, alice.token, jsonl(['not json']));
    // training_job.failed
    t.gpu!.setFaults({ failAtStep: 2 });
    const failing = await createJob(t, alice.token, { datasetId, name: 'fails' });
    expect((await followJob(t, alice.token, failing.trainingJob.id)).at(-1).status).toBe('FAILED');
    t.gpu!.setFaults({});
    // training_job.cancelled
    const cancelled = await createJob(t, alice.token, { datasetId, presetId: 'quality', name: 'cancelled' });
    await t.gqlData(CANCEL_JOB, { id: cancelled.trainingJob.id }, alice.token);
    expect((await followJob(t, alice.token, cancelled.trainingJob.id)).at(-1).status).toBe('CANCELLED');
    // training_job.cost_cap_reached (and training_job.cancelled again, for the stop)
    const capped = await createJob(t, alice.token, { datasetId, presetId: 'quality', gpu: { type: 'H100-80GB', count: 1 }, maxCostUsd: '0.000001', name: 'capped' });
    expect((await followJob(t, alice.token, capped.trainingJob.id)).at(-1).errorCode).toBe('COST_CAP_REACHED');
    // budget.threshold_reached: a budget below what the month has cost already crosses all three thresholds.
    const budget = await t.gqlData(SET_BUDGET, { input: { amountUsd: '0.000001', hardStop: false, timeZone: 'UTC' } }, alice.token);
    expect(budget.setBudget.__typename).toBe('SetBudgetPayload');

    const expected = [
      'dataset.ready',
      'dataset.invalid',
      'training_job.started',
      'training_job.completed',
      'training_job.failed',
      'training_job.cancelled',
      'training_job.cost_cap_reached',
      'model.stored',
      'budget.threshold_reached',
    ];
    const events = await until(
      'every event type to arrive',
      async () => {
        const bodies = receiver.received('/all').map((r) => verified(secret, r));
        return expected.every((type) => bodies.some((b) => b.type === type)) && bodies;
      },
      30_000,
      100,
    );

    for (const request of receiver.received('/all')) {
      expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
      expect(request.headers['content-type']).toBe('application/json');
      const body = verified(secret, request);
      expect(body.id).toBe(request.headers['webhook-id']);
      expect(Math.abs(Date.parse(body.timestamp) / 1000 - Number(request.headers['webhook-timestamp']))).toBeLessThan(120);
    }
    // A tampered body or a wrong secret does not verify.
    const sample = receiver.received('/all')[0]!;
    expect(() => verified(secret, { ...sample, body: sample.body.replace('"type"', '"typo"') })).toThrow();
    expect(() => verified(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, sample)).toThrow();

    const one = (type: string, where: (d: Record<string, unknown>) => boolean = () => true) => events.filter((e) => e.type === type && where(e.data));
    expect(one('dataset.ready', (d) => d.id === datasetId)[0]!.data).toMatchObject({ status: 'READY', examples: 40, errorCount: 0 });
    expect(one('dataset.invalid', (d) => d.id === invalidId)[0]!.data).toMatchObject({ status: 'INVALID' });
    expect(one('dataset.invalid')[0]!.data.errorCount).toBeGreaterThan(0);
    expect(one('training_job.started', (d) => d.id === model.jobId)).toHaveLength(1);
    expect(one('training_job.completed', (d) => d.id === model.jobId)[0]!.data).toMatchObject({ status: 'COMPLETED', datasetId, gpuType: 'A100-80GB' });
    expect(one('training_job.completed', (d) => d.id === model.jobId)[0]!.data.finalCostUsd).toMatch(/^\d+\.\d{6}$/);
    expect(one('model.stored', (d) => d.id === model.modelId)[0]!.data).toMatchObject({ status: 'STORED', trainingJobId: model.jobId, datasetId });
    expect(one('training_job.failed', (d) => d.id === failing.trainingJob.id)[0]!.data.errorCode).toBeTruthy();
    expect(one('training_job.cancelled', (d) => d.id === cancelled.trainingJob.id)).toHaveLength(1);
    expect(one('training_job.cost_cap_reached', (d) => d.id === capped.trainingJob.id)[0]!.data).toMatchObject({ maxCostUsd: '0.000001' });
    await until(
      'the three budget alerts',
      async () =>
        events.length > 0 &&
        receiver
          .received('/all')
          .map((r) => verified(secret, r))
          .filter((e) => e.type === 'budget.threshold_reached').length === 3,
      10_000,
      100,
    );
    const alerts = receiver
      .received('/all')
      .map((r) => verified(secret, r))
      .filter((e) => e.type === 'budget.threshold_reached');
    expect(alerts.map((e) => Number(e.data.percent)).sort((a, b) => a - b)).toEqual([50, 80, 100]);
    expect(alerts[0]!.data).toMatchObject({ budgetUsd: '0.000001', hardStop: false, timeZone: 'UTC', month: expect.stringMatching(/^\d{4}-\d{2}$/) });
    // Delivered once each: no event id twice (every receiver answered 200).
    const ids = receiver.received('/all').map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(receiver.received('/bob')).toHaveLength(0);
  }, 180_000);

  it('sends only the types an endpoint chose', async () => {
    const carol = await createUser(t);
    await createEndpoint(t, carol.token, { url: `${receiver.url}/only-invalid`, eventTypes: ['DATASET_INVALID'] });
    await readyDataset(t, carol.token);
    await uploadDataset(t, carol.token, jsonl(['{"messages": 1}']));
    const [request] = await receiver.waitFor('/only-invalid', 1);
    expect(JSON.parse(request!.body).type).toBe('dataset.invalid');
    await settle(1000);
    expect(receiver.received('/only-invalid')).toHaveLength(1);
  }, 60_000);
});

describe('retries', () => {
  it('sends again after a 500, then never again once a 200 came back', async () => {
    receiver.answer('/flaky', (n) => (n === 0 ? { status: 500, body: 'database on fire' } : { status: 200 }));
    const { id, secret } = await createEndpoint(t, alice.token, { url: `${receiver.url}/flaky`, eventTypes: ['DATASET_READY'] });
    const sent = await sendTestEvent(t, alice.token, id);
    expect(sent.status).toBe('PENDING');
    const requests = await receiver.waitFor('/flaky', 2);
    // Longer than the whole retry schedule: no third request comes.
    await settle(1500);
    expect(receiver.received('/flaky')).toHaveLength(2);
    expect(requests[0]!.headers['webhook-id']).toBe(requests[1]!.headers['webhook-id']);
    expect(requests[0]!.body).toBe(requests[1]!.body);
    expect(verified(secret, requests[1]!).type).toBe('webhook.test');

    const delivery = await until('the delivery to be recorded as succeeded', async () => {
      const d = await readDelivery(t, alice.token, sent.id);
      return d?.status === 'SUCCEEDED' && d;
    });
    expect(delivery.attemptCount).toBe(2);
    expect(delivery.eventId).toBe(requests[0]!.headers['webhook-id']);
    expect(delivery.attempts.map((a) => [a.succeeded, a.responseStatus])).toEqual([
      [true, 200],
      [false, 500],
    ]);
    expect(delivery.attempts[1]?.responseBody).toBe('database on fire');
    expect(delivery.nextAttemptAt).toBeNull();
  }, 60_000);

  it('retries an attempt that times out', async () => {
    receiver.answer('/slow', (n) => (n === 0 ? { status: 200, delayMs: 3000 } : { status: 204 }));
    const { id } = await createEndpoint(t, alice.token, { url: `${receiver.url}/slow`, eventTypes: ['DATASET_READY'] });
    const sent = await sendTestEvent(t, alice.token, id);
    await receiver.waitFor('/slow', 2);
    const delivery = await until('the retry to succeed', async () => {
      const d = await readDelivery(t, alice.token, sent.id);
      return d?.status === 'SUCCEEDED' && d;
    });
    const [second, first] = delivery.attempts;
    expect(first).toMatchObject({ succeeded: false, responseStatus: null });
    expect(first?.error).toMatch(/no answer within 1000 ms/);
    expect(first?.durationMs).toBeGreaterThanOrEqual(900);
    expect(first?.durationMs).toBeLessThan(2500);
    expect(second).toMatchObject({ succeeded: true, responseStatus: 204 });
  }, 60_000);

  it('gives up after the last retry, and a redelivery sends the same event again', async () => {
    receiver.answer('/down', () => ({ status: 503 }));
    const { id } = await createEndpoint(t, alice.token, { url: `${receiver.url}/down`, eventTypes: ['DATASET_READY'] });
    const sent = await sendTestEvent(t, alice.token, id);
    const failed = await until('the delivery to fail', async () => {
      const d = await readDelivery(t, alice.token, sent.id);
      return d?.status === 'FAILED' && d;
    });
    expect(failed.attemptCount).toBe(RETRIES.length + 1);
    expect(receiver.received('/down')).toHaveLength(RETRIES.length + 1);

    receiver.answer('/down', () => ({ status: 200 }));
    const res = await t.gqlData(REDELIVER, { id: sent.id }, alice.token);
    expect(ofType(res.redeliverWebhookDelivery, 'WebhookDeliveryPayload').delivery.status).toBe('PENDING');
    const delivered = await until('the redelivery to succeed', async () => {
      const d = await readDelivery(t, alice.token, sent.id);
      return d?.status === 'SUCCEEDED' && d;
    });
    expect(delivered.attemptCount).toBe(RETRIES.length + 2);
    const ids = new Set(receiver.received('/down').map((r) => r.headers['webhook-id']));
    expect([...ids]).toEqual([sent.eventId]);
  }, 60_000);
});

describe('a receiver that keeps failing', () => {
  it('is disabled after a sustained run of failures, its owner told once; nothing more is sent until it is enabled', async () => {
    const dave = await createUser(t);
    receiver.answer('/broken', () => ({ status: 500 }));
    const { id } = await createEndpoint(t, dave.token, { url: `${receiver.url}/broken`, eventTypes: ['DATASET_READY'] });
    const first = await sendTestEvent(t, dave.token, id);
    await until('the first delivery to fail', async () => (await readDelivery(t, dave.token, first.id))?.status === 'FAILED');
    const second = await sendTestEvent(t, dave.token, id);
    // Its first attempt is the fourth failure in a row: the endpoint is disabled, and its retries are not sent.
    await until('the second delivery to end', async () => (await readDelivery(t, dave.token, second.id))?.status === 'FAILED');
    expect(receiver.received('/broken')).toHaveLength(4);
    const endpoint = (await t.gqlData(ENDPOINT, { id }, dave.token)).webhookEndpoint;
    expect(endpoint).toMatchObject({ enabled: false, consecutiveFailures: 4 });
    expect(endpoint?.disabledReason).toMatch(/4 failed attempts in a row/);
    const notes = (await t.gqlData(NOTIFICATIONS, {}, dave.token)).notifications.edges;
    expect(notes.map((e) => e.node.type)).toEqual(['WEBHOOK_ENDPOINT_DISABLED']);
    expect(notes[0]?.node.message).toMatch(/HTTP 500/);

    const refused = await t.gqlData(SEND_TEST, { id }, dave.token);
    expect(refused.sendWebhookTestEvent.__typename).toBe('WebhookEndpointDisabledError');
    receiver.answer('/broken', () => ({ status: 200 }));
    const enabled = await t.gqlData(ENABLE_ENDPOINT, { input: { id, enabled: true } }, dave.token);
    expect(ofType(enabled.updateWebhookEndpoint, 'WebhookEndpointPayload').webhookEndpoint).toEqual({ enabled: true, consecutiveFailures: 0, disabledReason: null });
    await t.gql(REDELIVER, { id: second.id }, dave.token);
    await until('the missed event to arrive', async () => (await readDelivery(t, dave.token, second.id))?.status === 'SUCCEEDED');
  }, 60_000);
});

describe('secret rotation', () => {
  it('signs with the old and the new secret during the overlap, then with the new one only', async () => {
    const { id, secret: oldSecret } = await createEndpoint(t, alice.token, { url: `${receiver.url}/rotating`, eventTypes: ['MODEL_STORED'] });
    const rotated = ofType((await t.gqlData(ROTATE_SECRET, { id }, alice.token)).rotateWebhookEndpointSecret, 'WebhookEndpointSecretPayload');
    const newSecret = rotated.secret;
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(newSecret).not.toBe(oldSecret);
    // One day by default.
    expect(Date.parse(rotated.webhookEndpoint.previousSecretExpiresAt ?? '') - Date.now()).toBeGreaterThan(86_000_000);

    await sendTestEvent(t, alice.token, id);
    const [during] = await receiver.waitFor('/rotating', 1);
    expect(during!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verified(oldSecret, during!).type).toBe('webhook.test');
    expect(verified(newSecret, during!).type).toBe('webhook.test');

    // The overlap ends: the old secret no longer signs.
    await db.webhookEndpoint.update({ where: { id: rawId(id) }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
    await sendTestEvent(t, alice.token, id);
    const after = (await receiver.waitFor('/rotating', 2))[1]!;
    expect(verified(newSecret, after).type).toBe('webhook.test');
    expect(() => verified(oldSecret, after)).toThrow();
  }, 60_000);
});

describe('retention', () => {
  it('deletes events past WEBHOOK_RETENTION_DAYS with their deliveries, but not one still being delivered', async () => {
    receiver.answer('/retained', () => ({ status: 200 }));
    const { id } = await createEndpoint(t, alice.token, { url: `${receiver.url}/retained`, eventTypes: ['DATASET_READY'] });
    const old = await sendTestEvent(t, alice.token, id);
    await until('the delivery to succeed', async () => (await readDelivery(t, alice.token, old.id))?.status === 'SUCCEEDED');
    const recent = await sendTestEvent(t, alice.token, id);
    await until('the second delivery to succeed', async () => (await readDelivery(t, alice.token, recent.id))?.status === 'SUCCEEDED');
    const monthAgo = new Date(Date.now() - 31 * 86_400_000);
    await db.webhookEvent.update({ where: { id: old.eventId }, data: { createdAt: monthAgo } });
    // An old event whose delivery is still PENDING stays until it ends.
    const pendingEvent = await db.webhookEvent.create({ data: { ownerId: alice.id, type: 'webhook.test', body: '{}', createdAt: monthAgo } });
    await db.webhookDelivery.create({ data: { ownerId: alice.id, endpointId: rawId(id), eventId: pendingEvent.id, status: 'PENDING' } });

    expect(await sweepWebhookEvents(t.config.outboundWebhooks)).toBeGreaterThanOrEqual(1);
    expect(await readDelivery(t, alice.token, old.id)).toBeNull();
    expect(await db.webhookAttempt.count({ where: { deliveryId: rawId(old.id) } })).toBe(0);
    expect((await readDelivery(t, alice.token, recent.id))?.status).toBe('SUCCEEDED');
    expect(await db.webhookEvent.findUnique({ where: { id: pendingEvent.id } })).not.toBeNull();
    expect(t.config.outboundWebhooks.retentionDays).toBe(30);
  }, 60_000);
});

describe('live deliveries', () => {
  it("pushes each attempt to the owner's webhookDeliveryUpdated, and nothing to another user", async () => {
    const bob = await createUser(t);
    const bobSaw: unknown[] = [];
    const bobClient = t.ws(bob.token);
    const stopBob = bobClient.subscribe({ query: print(DELIVERY_UPDATED) }, { next: (value) => bobSaw.push(value), error: () => {}, complete: () => {} });
    receiver.answer('/live', () => ({ status: 202 }));
    const { id } = await createEndpoint(t, alice.token, { url: `${receiver.url}/live`, eventTypes: ['DATASET_READY'] });
    let deliveryId = '';
    const seen = wsCollect(
      t.ws(alice.token),
      DELIVERY_UPDATED,
      {},
      (r) => r.some((x) => x.webhookDeliveryUpdated.id === deliveryId && x.webhookDeliveryUpdated.status === 'SUCCEEDED'),
      15_000,
    );
    await settle(500); // both subscriptions are up
    deliveryId = (await sendTestEvent(t, alice.token, id)).id;
    const results = (await seen).map((r) => r.webhookDeliveryUpdated);
    expect(results.at(-1)).toEqual({ id: deliveryId, status: 'SUCCEEDED', attemptCount: 1, attempts: [{ responseStatus: 202 }] });
    await settle(500);
    stopBob();
    expect(bobSaw).toEqual([]);
  }, 60_000);
});
