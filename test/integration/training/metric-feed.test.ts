// The metric feed's two ways out: batches pushed straight to a waiting
// subscriber's client, and its iterator for everything else (a replay, a gap,
// a client that is behind). Together they must give every step once, in order.
// And the rows a process pushes without reading them back equal the stored ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import type { ProviderMetricPoint } from '../../../server/gpu/provider.js';
import { GAP_GRACE_MS, type MetricBatch } from '../../../server/metrics/metric-feed.js';
import { insertPoints, pointsAfter, storedRows } from '../../../server/metrics/metric-store.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { jobRow, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let datasetId: string;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await startTestApp();
  alice = await createUser(t);
  datasetId = rawId(await readyDataset(t, alice.token, 10));
});
afterAll(() => t?.stop());

const runningJob = async () => (await db.trainingJob.create({ data: jobRow(alice.id, datasetId, 'RUNNING') })).id;

function point(step: number, recordedAt = new Date(1_790_000_000_000 + step * 1000).toISOString()): ProviderMetricPoint {
  return {
    step,
    epoch: step / 7,
    trainingLoss: 2 / Math.sqrt(step),
    validationLoss: step % 5 === 0 ? 1.7 + 1 / step : null,
    learningRate: 2e-4 * Math.cos(step / 100),
    gradNorm: null,
    throughput: 3141.5926,
    tokensTrained: step * 4096,
    gpuUtilization: 0.93,
    recordedAt,
  };
}

/** Stores the points and hands them to the hub, as a callback does. */
async function land(jobId: string, points: ProviderMetricPoint[]) {
  const stored = await insertPoints(jobId, points);
  expect(stored?.count).toBe(points.length);
  t.app.services.metricFeeds.deliver(jobId, storedRows(points)!);
}

/** Watches a job that never ends with a client that keeps up, recording how each step came; `stop` unsubscribes. */
function watchKeepingUp(jobId: string) {
  const received: { step: number; how: 'pushed' | 'pulled' }[] = [];
  const push = (batch: MetricBatch) => {
    for (const p of batch.points) received.push({ step: p.step, how: 'pushed' });
    return true;
  };
  const iterator = t.app.services.metricFeeds.watch(jobId, 0, async () => false, push);
  const pulling = (async () => {
    for await (const batch of iterator) for (const p of batch.points) received.push({ step: p.step, how: 'pulled' });
  })();
  return {
    received,
    stop: async () => {
      await iterator.return!();
      await pulling;
    },
  };
}

describe('metric feed', () => {
  it('gives every step once, in order, whether pushed or pulled, and pushes nothing to a client that is behind', async () => {
    const jobId = await runningJob();
    const hub = t.app.services.metricFeeds;
    const received: { step: number; how: 'pushed' | 'pulled' }[] = [];
    // A client that keeps up, except now and then: the third push of every three is refused.
    let offers = 0;
    let behind = false;
    const push = (batch: MetricBatch) => {
      offers++;
      if (behind || offers % 3 === 0) return false;
      for (const p of batch.points) received.push({ step: p.step, how: 'pushed' });
      return true;
    };
    const finished = async () => (await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } })).status === 'COMPLETED';
    // Two points stored before it subscribes: they come as a replay, through the iterator.
    await land(jobId, [point(1), point(2)]);
    const iterator = hub.watch(jobId, 0, finished, push);
    const pulling = (async () => {
      for await (const batch of iterator) {
        for (const p of batch.points) received.push({ step: p.step, how: 'pulled' });
        await sleep(2);
      }
    })();

    for (let step = 3; step <= 90; step += 3) {
      behind = step > 60 && step < 75;
      await land(jobId, [point(step), point(step + 1), point(step + 2)]);
      await sleep(15);
    }
    await db.trainingJob.update({ where: { id: jobId }, data: { status: 'COMPLETED' } });
    t.app.services.pubsub.publish('trainingJobUpdated', jobId, { id: jobId });
    await pulling;

    expect(received.map((r) => r.step)).toEqual(Array.from({ length: 92 }, (_, i) => i + 1));
    const pushed = received.filter((r) => r.how === 'pushed');
    expect(received.slice(0, 2).map((r) => r.how)).toEqual(['pulled', 'pulled']);
    expect(pushed.length).toBeGreaterThan(30);
    expect(received.length - pushed.length).toBeGreaterThan(10);
    // While behind, every point went through the iterator.
    expect(pushed.filter((r) => r.step >= 63 && r.step <= 74)).toEqual([]);
  });

  it('asks whether the job has ended once, not per batch, and again when a job update comes, which is how an end arrives', async () => {
    const jobId = await runningJob();
    let asked = 0;
    const finished = async () => {
      asked++;
      return (await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } })).status === 'COMPLETED';
    };
    // No push: every batch goes through the iterator, which looks for the end each time it runs dry.
    const iterator = t.app.services.metricFeeds.watch(jobId, 0, finished);
    const steps: number[] = [];
    const pulling = (async () => {
      for await (const batch of iterator) steps.push(...batch.points.map((p) => p.step));
    })();
    // Over more than a second: the answer holds while no job update comes, however long that is.
    for (let step = 1; step <= 20; step++) {
      await land(jobId, [point(step)]);
      await sleep(75);
    }
    await sleep(50);
    expect(steps).toHaveLength(20);
    expect(asked).toBe(1);
    // A progress tick says nothing about the end; a job update does.
    t.app.services.pubsub.publish('trainingJobUpdated', jobId, { id: jobId, progress: true });
    await sleep(100);
    expect(asked).toBe(1);
    await db.trainingJob.update({ where: { id: jobId }, data: { status: 'COMPLETED' } });
    t.app.services.pubsub.publish('trainingJobUpdated', jobId, { id: jobId });
    await pulling;
    expect(asked).toBe(2);
    expect(steps).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('holds points back at a gap without leaving the push path, and pushes them once the gap is filled', async () => {
    const jobId = await runningJob();
    const { received, stop } = watchKeepingUp(jobId);
    await sleep(50);
    await land(jobId, [point(1), point(2)]);
    await sleep(50);
    // Step 3 is late (two callbacks committed out of order): 4 must wait for it, not go out ahead of it.
    await land(jobId, [point(4)]);
    await sleep(50);
    expect(received.map((r) => r.step)).toEqual([1, 2]);
    await land(jobId, [point(3)]);
    await sleep(50);
    await land(jobId, [point(5), point(6)]);
    await sleep(50);
    await stop();
    expect(received.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    // The subscriber waited at the hole still pushed to: 3 and 4 went out together the moment 3 came.
    expect(received.slice(2).map((r) => r.how)).toEqual(['pushed', 'pushed', 'pushed', 'pushed']);
  });

  it('pushes the points that come in right after a push, and those of a callback that began, together in one batch', async () => {
    const jobId = await runningJob();
    const hub = t.app.services.metricFeeds;
    const batches: number[][] = [];
    // A client whose pushes take 200 ms, as many thousand sockets' writes would: the next may wait up to 100 ms.
    const push = (batch: MetricBatch) => {
      const until = performance.now() + 200;
      while (performance.now() < until);
      batches.push(batch.points.map((p) => p.step));
      return true;
    };
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const pushed = async (count: number) => {
      for (let waited = 0; batches.length < count && waited < 2000; waited += 5) await sleep(5);
    };
    const iterator = hub.watch(jobId, 0, async () => false, push);
    const pulling = (async () => {
      for await (const batch of iterator) batches.push(batch.points.map((p) => p.step));
    })();
    await sleep(50);
    // Stored once it waits caught up, so only the pushes bring them.
    await insertPoints(jobId, [point(1), point(2), point(3), point(4), point(5), point(6)]);
    hub.deliver(jobId, storedRows([point(1)])!);
    await pushed(1);
    // One right after the push, and nothing behind it: it goes alone, a couple of turns later.
    hub.deliver(jobId, storedRows([point(2)])!);
    await pushed(2);
    // Two a turn apart: they go together.
    hub.deliver(jobId, storedRows([point(3)])!);
    await turn();
    hub.deliver(jobId, storedRows([point(4)])!);
    await pushed(3);
    // A fifth, and a callback that begins before the push would start: the push waits for the point it brings.
    hub.deliver(jobId, storedRows([point(5)])!);
    await turn();
    hub.arriving(jobId);
    await turn();
    await turn();
    hub.deliver(jobId, storedRows([point(6)])!);
    await pushed(4);
    await sleep(20);
    await iterator.return!();
    await pulling;
    expect(batches).toEqual([[1], [2], [3, 4], [5, 6]]);
  });

  it('sends a stored point whose delivery never came: the iterator finds it in the database within the gap grace', async () => {
    const jobId = await runningJob();
    const { received, stop } = watchKeepingUp(jobId);
    await sleep(50);
    await land(jobId, [point(1), point(2)]);
    // Step 3 is stored, but its announcement is lost: only the database has it.
    await insertPoints(jobId, [point(3)]);
    await land(jobId, [point(4)]);
    await sleep(50);
    expect(received.map((r) => r.step)).toEqual([1, 2]);
    for (let waited = 0; received.length < 4 && waited < GAP_GRACE_MS + 2000; waited += 50) await sleep(50);
    await stop();
    expect(received.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    expect(received.slice(2).map((r) => r.how)).toEqual(['pulled', 'pulled']);
  }, 15_000);

  it('builds the rows it pushes exactly as the database stores them, or leaves it to the database', async () => {
    const jobId = await runningJob();
    const exact = [
      point(1),
      point(2, '2026-11-23T18:00:00Z'),
      point(3, '2026-11-23T20:00:00.5+02:00'),
      { ...point(4), trainingLoss: null, throughput: null, tokensTrained: null, epoch: 0.1 + 0.2 },
      { ...point(5), learningRate: 1e-300, gradNorm: 123456789.12345679 },
      { ...point(6), trainingLoss: -0.5, learningRate: 1.5e-7, throughput: 1e21, tokensTrained: 2 ** 53 - 1 },
    ];
    await insertPoints(jobId, exact);
    expect(storedRows(exact)).toEqual(await pointsAfter(jobId, 0, 10));
    // Microseconds, no time zone, or tokens the database rounds: only the database can say.
    expect(storedRows([point(6, '2026-11-23T18:00:00.123456Z')])).toBeNull();
    expect(storedRows([point(7, '2026-11-23 18:00:00')])).toBeNull();
    expect(storedRows([{ ...point(8), tokensTrained: 10.5 }])).toBeNull();
    // A step the int column cannot hold is refused, not wrapped or rounded into another step.
    for (const step of [2 ** 31, 7.5]) await expect(insertPoints(jobId, [point(step)])).rejects.toThrow();
    expect(await pointsAfter(jobId, 6, 10)).toEqual([]);
  });
});
