// A delivery enqueued just before the server is killed with SIGKILL is still delivered once a server runs again:
// the event and its queue job were committed together, and an attempt cut off mid-flight is retried when its
// worker's heartbeat stops.
import { afterAll, expect, it } from 'vitest';
import { createEndpoint, readDelivery, sendTestEvent } from '../../helpers/outbound-webhooks.js';
import { openDatabase, rawId, until, useProcesses } from '../../helpers/processes.js';
import { startWebhookReceiver } from '../../helpers/webhook-receiver.js';

const procs = useProcesses();
const database = openDatabase(procs.databaseUrl);
const receiverReady = startWebhookReceiver();
afterAll(async () => {
  await database.close();
  await (await receiverReady).close();
});

it('delivers after a restart what was enqueued just before a SIGKILL', async () => {
  const receiver = await receiverReady;
  // Until the kill, requests are never answered: whether the killed server had sent its attempt or not, it never
  // learnt the outcome.
  let killed = false;
  receiver.answer('/kill', () => (killed ? { status: 200 } : 'hang'));
  const gpu = await procs.startSimulator();
  const env = { SIMULATED_GPU_URL: gpu.url, WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_SECONDS: '60' } as const;
  const first = await procs.startServer(env, { name: 'server-1' });
  const alice = await procs.createUser(first);
  const { id, secret } = await createEndpoint(first, alice.token, { url: `${receiver.url}/kill`, eventTypes: ['DATASET_READY'] });
  expect(secret).toMatch(/^whsec_/);

  const sent = await sendTestEvent(first, alice.token, id);
  await first.kill('SIGKILL');
  killed = true;
  const row = await database.db.webhookDelivery.findUniqueOrThrow({ where: { id: rawId(sent.id) } });
  expect(row).toMatchObject({ status: 'PENDING', attemptCount: 0 });

  const second = await procs.startServer(env, { name: 'server-2' });
  const delivered = await until(
    'the delivery to succeed on server-2',
    async () => {
      const d = await readDelivery(second, alice.token, sent.id);
      return d?.status === 'SUCCEEDED' && d;
    },
    90_000,
    250,
  );
  expect(delivered.attempts.filter((a: { succeeded: boolean }) => a.succeeded)).toHaveLength(1);
  const ids = new Set(receiver.received('/kill').map((r) => r.headers['webhook-id']));
  expect([...ids]).toEqual([sent.eventId]);
  await Promise.all([second.kill(), gpu.kill()]);
}, 180_000);
