// pg-boss wiring: a typed job round-trips through a real queue; payloads are
// checked when enqueued; a job enqueued in a rolled-back transaction never runs.
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
  await t.app.services.jobs.createQueues([echo]);
  await t.app.services.jobs.work([echoWorker], t.app.services);
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
});
