// Outgoing webhook throughput: events recorded (each in its own transaction, as an action records one) and
// delivered by the pg-boss queue to a local receiver, signed, each attempt recorded, in deliveries per second;
// beside a bare loop that signs the same bodies with standardwebhooks and POSTs them to the same receiver at
// the same concurrency, with no database at all. The ratio is what the queue, the records and the
// at-least-once bookkeeping cost.
import { randomUUID } from 'node:crypto';
import { signLocalUserToken } from '../server/auth/tokens.js';
import { db } from '../server/db/client.js';
import { deliverOutboundWebhookJob } from '../server/queue/definitions.js';
import { postWebhook } from '../server/outbound-webhooks/post.js';
import { recordEvent } from '../server/outbound-webhooks/record-event.js';
import { generateWebhookSecret, signedHeaders } from '../server/outbound-webhooks/signing.js';
import { startWebhookReceiver } from '../test/helpers/webhook-receiver.js';
import type { BenchRow } from './report.js';
import { startBenchStack } from './lib/stack.js';

const EVENTS = 1000;
const CONCURRENCY = deliverOutboundWebhookJob.concurrency ?? 1;
/** Actions recording events at once (each its own transaction, with a commit flushed to disk). */
const RECORDERS = 8;

async function gql<Data>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<Data | undefined> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return ((await res.json()) as { data?: Data }).data;
}

export async function runOutboundWebhooksBench(): Promise<BenchRow[]> {
  const receiver = await startWebhookReceiver();
  const stack = await startBenchStack('webhooks', { durable: true, env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  try {
    const { app, url } = stack;
    const email = `bench-${randomUUID()}@bench.brightrun.dev`;
    const token = await signLocalUserToken(app.services.secret, { sub: `local:${email}`, email });
    await gql(url, token, '{ me { id } }');
    const owner = await db.user.findFirstOrThrow({ where: { email } });
    const created = await gql<{ createWebhookEndpoint?: { webhookEndpoint?: { id: string } } }>(
      url,
      token,
      'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { ... on WebhookEndpointSecretPayload { webhookEndpoint { id } } } }',
      {
        input: { url: `${receiver.url}/queue`, eventTypes: ['MODEL_STORED'] },
      },
    );
    if (!created?.createWebhookEndpoint?.webhookEndpoint) throw new Error('could not create the endpoint');
    const data = { id: 'TW9kZWw6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw', name: 'bench model', status: 'STORED', rating: 4 };

    // Ours: EVENTS events recorded one transaction each, RECORDERS actions at once, delivered as the workers take them.
    const started = performance.now();
    let recordedCount = 0;
    await Promise.all(
      Array.from({ length: RECORDERS }, async () => {
        while (recordedCount < EVENTS) {
          recordedCount++;
          await db.$transaction((tx) => recordEvent(tx, app.services, owner.id, 'model.stored', data));
        }
      }),
    );
    const recorded = performance.now();
    await receiver.waitFor('/queue', EVENTS, 300_000);
    const seconds = (performance.now() - started) / 1000;
    // The last attempts' records commit just after their POSTs were answered.
    let succeeded = 0;
    for (let tries = 0; tries < 100 && succeeded < EVENTS; tries++) {
      succeeded = await db.webhookDelivery.count({ where: { ownerId: owner.id, status: 'SUCCEEDED' } });
      if (succeeded < EVENTS) await new Promise((r) => setTimeout(r, 50));
    }

    // Baseline: the same bodies signed and POSTed in a bare loop, as many at once as the queue's workers.
    const secret = generateWebhookSecret();
    const config = app.services.config.outboundWebhooks;
    const bodies = Array.from({ length: EVENTS }, () => JSON.stringify({ id: randomUUID(), type: 'model.stored', timestamp: new Date().toISOString(), data }));
    const bareStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < EVENTS; i = next++) {
          const id = randomUUID();
          const result = await postWebhook(config, `${receiver.url}/bare`, signedHeaders([secret], id, bodies[i]!), bodies[i]!);
          if (!result.ok) throw new Error(`bare POST failed: ${result.error ?? result.status}`);
        }
      }),
    );
    const bareSeconds = (performance.now() - bareStarted) / 1000;
    const ours = EVENTS / seconds;
    const bare = EVENTS / bareSeconds;
    return [
      {
        figure: 'webhook deliveries per second to a local receiver',
        ours,
        baseline: bare,
        unit: '/s',
        ratio: ours / bare,
        note: `${EVENTS} events, one transaction each, ${RECORDERS} at once (recording took ${((recorded - started) / 1000).toFixed(1)} s of the ${seconds.toFixed(1)} s), ${CONCURRENCY} workers; ${succeeded} recorded SUCCEEDED; baseline: a bare signed POST loop, ${CONCURRENCY} at once`,
      },
    ];
  } finally {
    await stack.close();
    await receiver.close();
  }
}
