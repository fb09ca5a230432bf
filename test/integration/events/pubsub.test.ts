// Events published together travel packed into few notifications and come back
// whole, in the order published.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { pool } from '../../../server/db/client.js';
import { useTestApp } from '../../helpers/app.js';

const t = useTestApp({ ROLE: 'api' });

it('delivers a burst of events, several notifications long, whole and in order', async () => {
  const { pubsub } = t.app.services;
  const jobId = randomUUID();
  // A listener of our own counts the notifications that carry this burst.
  const listener = await pool.connect();
  let notifications = 0;
  listener.on('notification', (msg) => {
    if (msg.payload?.includes(jobId)) notifications++;
  });
  await listener.query('LISTEN brightrun_events');
  try {
    const events = pubsub.subscribe('trainingMetrics', jobId);
    const received: number[] = [];
    const reading = (async () => {
      for await (const event of events) {
        received.push(event.fromStep);
        if (received.length === 400) break;
      }
    })();
    // The iterator subscribes on its first pull.
    await new Promise((r) => setTimeout(r, 50));
    // ~250 bytes each: 400 of them take more than one 8000-byte notification.
    for (let step = 1; step <= 400; step++) pubsub.publish('trainingMetrics', jobId, { jobId, fromStep: step, toStep: step, origin: 'x'.repeat(150) });
    await reading;
    expect(received).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    await expect.poll(() => notifications).toBeGreaterThan(1);
    expect(notifications).toBeLessThan(40);
  } finally {
    await listener.query('UNLISTEN *');
    listener.release();
  }
});

it('sends the events published in one go, as a callback publishes its points and its progress, in one notification', async () => {
  const { pubsub } = t.app.services;
  const jobId = randomUUID();
  const listener = await pool.connect();
  const notifications: string[][] = [];
  listener.on('notification', (msg) => {
    if (msg.payload?.includes(jobId)) notifications.push((JSON.parse(msg.payload) as { topic: string }[]).map((e) => e.topic.split(':')[0]!));
  });
  await listener.query('LISTEN brightrun_events');
  try {
    pubsub.publish('trainingMetrics', jobId, { jobId, fromStep: 1, toStep: 1 });
    pubsub.publish('trainingJobUpdated', jobId, { id: jobId, progress: true });
    await expect.poll(() => notifications.flat().length).toBe(2);
    expect(notifications).toEqual([['trainingMetrics', 'trainingJobUpdated']]);
  } finally {
    await listener.query('UNLISTEN *');
    listener.release();
  }
});

it('lets events published back to back, as the callbacks of a busy server publish them, share notifications', async () => {
  const { pubsub } = t.app.services;
  const jobId = randomUUID();
  const listener = await pool.connect();
  const notifications: number[] = [];
  listener.on('notification', (msg) => {
    if (msg.payload?.includes(jobId)) notifications.push((JSON.parse(msg.payload) as unknown[]).length);
  });
  await listener.query('LISTEN brightrun_events');
  try {
    // One event a millisecond, each in a turn of its own: more than a notification's round trip apart when idle.
    const began = performance.now();
    for (let step = 1; step <= 20; step++) {
      pubsub.publish('trainingMetrics', jobId, { jobId, fromStep: step, toStep: step });
      const next = performance.now() + 1;
      while (performance.now() < next) await new Promise((r) => setImmediate(r));
    }
    const took = performance.now() - began;
    await expect.poll(() => notifications.reduce((a, b) => a + b, 0)).toBe(20);
    // A statement at most every 2 ms (NOTIFY_HOLD_MS), however long a busy machine stretched the publishing: about 12
    // for 20 events when idle, where a statement each sends 20.
    expect(notifications.length).toBeLessThanOrEqual(Math.min(20, Math.floor(took / 2) + 2));
  } finally {
    await listener.query('UNLISTEN *');
    listener.release();
  }
});
