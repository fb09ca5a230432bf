// pg-boss wiring: a typed job round-trips through a real queue; payloads are
// checked when enqueued; a job enqueued in a rolled-back transaction never runs; a parallel batch runs its jobs
// at once and settles each on its own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { db } from '../../../server/db/client.js';
import { defineJob, implementJob } from '../../../server/queue/define.js';
import { inTransaction } from '../../../server/queue/queue.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
const seen = new Map<string, { retryCount: number }>();
const waiters = new Map<string, () => void>();

const echo = defineJob({
  name: `test-echo-${randomUUID().slice(0, 8)}`,
  payload: z.object({ token: z.string().uuid(), failFirst: z.boolean().default(false) }),
  queue: { retryLimit: 2, retryDelay: 1 },
});
const echoWorker = implementJob(echo, async (data, ctx) => {
  if (data.failFirst && ctx.retryCount === 0) throw new Error('first attempt fails on purpose');
  seen.set(data.token, { retryCount: ctx.retryCount });
  waiters.get(data.token)?.();
});

/** Fetched several at a time and run at once: how many runs each token had, and the most in flight together. */
const together = defineJob({
  name: `test-together-${randomUUID().slice(0, 8)}`,
  payload: z.object({ token: z.string().uuid(), failFirst: z.boolean() }),
  queue: { retryLimit: 2, retryDelay: 1 },
  batchSize: 5,
  parallelBatch: true,
});
const runsOf = new Map<string, number[]>();
let inFlight = 0;
let mostInFlight = 0;
const togetherWorker = implementJob(together, async (data, ctx) => {
  inFlight++;
  mostInFlight = Math.max(mostInFlight, inFlight);
  await new Promise((resolve) => setTimeout(resolve, 300));
  inFlight--;
  runsOf.set(data.token, [...(runsOf.get(data.token) ?? []), ctx.retryCount]);
  if (data.failFirst && ctx.retryCount === 0) throw new Error('first attempt fails on purpose');
});

function ran(token: string, ms = 20_000): Promise<boolean> {
  if (seen.has(token)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    waiters.set(token, () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

beforeAll(async () => {
  t = await startTestApp();
  await t.app.services.jobs.createQueues([echo, together]);
  await t.app.services.jobs.work([echoWorker, togetherWorker], t.app.services);
});
afterAll(() => t?.stop());

describe('job queue', () => {
  it('runs an enqueued job', async () => {
    const token = randomUUID();
    await t.app.services.jobs.enqueue(echo, { token, failFirst: false });
    expect(await ran(token)).toBe(true);
  });

  it('retries a job that failed', async () => {
    const token = randomUUID();
    await t.app.services.jobs.enqueue(echo, { token, failFirst: true });
    expect(await ran(token)).toBe(true);
    expect(seen.get(token)!.retryCount).toBe(1);
  });

  it('refuses a payload that does not fit the schema when enqueued', async () => {
    await expect(t.app.services.jobs.enqueue(echo, { token: 'not-a-uuid', failFirst: false })).rejects.toThrow(/uuid/i);
  });

  it('enqueues with the transaction: committed runs, rolled back never exists', async () => {
    const committed = randomUUID();
    const rolledBack = randomUUID();
    await db.$transaction(async (tx) => {
      await t.app.services.jobs.enqueue(echo, { token: committed, failFirst: false }, { tx: inTransaction(tx) });
    });
    await expect(
      db.$transaction(async (tx) => {
        await t.app.services.jobs.enqueue(echo, { token: rolledBack, failFirst: false }, { tx: inTransaction(tx) });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await ran(committed)).toBe(true);
    expect(await ran(rolledBack, 2500)).toBe(false);
  });

  it('runs a parallel batch at once, and retries only the job of it that failed', async () => {
    const tokens = Array.from({ length: 5 }, () => randomUUID());
    // Enqueued before the worker's next fetch, so one fetch takes them all.
    await Promise.all(tokens.map((token, i) => t.app.services.jobs.enqueue(together, { token, failFirst: i === 0 })));
    const deadline = Date.now() + 20_000;
    while ((runsOf.get(tokens[0]!)?.length ?? 0) < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(mostInFlight).toBeGreaterThan(1);
    expect(runsOf.get(tokens[0]!)).toEqual([0, 1]);
    // Each of the others completed with its first run: the failure beside them retried nothing of theirs.
    for (const token of tokens.slice(1)) expect(runsOf.get(token)).toEqual([0]);
  });
});
