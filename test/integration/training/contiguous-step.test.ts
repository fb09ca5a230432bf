// The contiguous step (every step 1..S stored) is kept on the job and moved forward from where it stood: it
// follows points landing in any order, with gaps, duplicated, and never goes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, pool } from '../../../server/db/client.js';
import { contiguousStep } from '../../../server/metrics/metric-store.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser } from '../../helpers/factories.js';
import { jobRow, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let ownerId: string;
let datasetId: string;

beforeAll(async () => {
  t = await startTestApp();
  const alice = await createUser(t);
  ownerId = alice.id;
  datasetId = Buffer.from(await readyDataset(t, alice.token, 10), 'base64')
    .toString()
    .split(':')[1]!;
});
afterAll(() => t?.stop());

async function newJob(): Promise<string> {
  return (await db.trainingJob.create({ data: jobRow(ownerId, datasetId, 'RUNNING') })).id;
}

async function store(jobId: string, steps: number[]): Promise<void> {
  await pool.query(
    `INSERT INTO "MetricPoint" ("jobId", step, epoch, "trainingLoss", "recordedAt")
     SELECT $1::uuid, s, 0, 1, now() FROM unnest($2::int[]) AS s ON CONFLICT DO NOTHING`,
    [jobId, steps],
  );
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('contiguous step', () => {
  it('is 0 without points, and without step 1', async () => {
    const jobId = await newJob();
    expect(await contiguousStep(jobId)).toBe(0);
    await store(jobId, [2, 3, 4]);
    expect(await contiguousStep(jobId)).toBe(0);
  });

  it('moves to the end of the first run of steps, then past a gap once it is filled', async () => {
    const jobId = await newJob();
    await store(jobId, [...range(1, 5), ...range(8, 10)]);
    expect(await contiguousStep(jobId)).toBe(5);
    await store(jobId, [7]);
    expect(await contiguousStep(jobId)).toBe(5);
    await store(jobId, [6, 6, 11]);
    expect(await contiguousStep(jobId)).toBe(11);
    expect((await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } })).contiguousStep).toBe(11);
  });

  it('follows a long series in batches as the old count did', async () => {
    const jobId = await newJob();
    const order = range(1, 2_000).sort((a, b) => ((a * 7919) % 2_000) - ((b * 7919) % 2_000));
    for (let i = 0; i < order.length; i += 250) {
      await store(jobId, order.slice(0, i + 250).slice(i));
      const stored = new Set(order.slice(0, i + 250));
      let expected = 0;
      while (stored.has(expected + 1)) expected++;
      expect(await contiguousStep(jobId)).toBe(expected);
    }
    expect(await contiguousStep(jobId)).toBe(2_000);
  });

  it('is per job', async () => {
    const [a, b] = [await newJob(), await newJob()];
    await store(a, range(1, 3));
    await store(b, range(1, 9));
    expect([await contiguousStep(a), await contiguousStep(b)]).toEqual([3, 9]);
  });
});
