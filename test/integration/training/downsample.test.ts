// TrainingJob.metrics(maxPoints) over a long series: the shape is kept (every
// planted spike, every validation point, first and last), what it remembers
// between requests never changes an answer, and a series that grows or fills a
// late gap is answered from the database as it is now. Points stored by a
// report summarise the blocks they fill, and the spans of 16 blocks those
// complete, in the same statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, pool } from '../../../server/db/client.js';
import { downsampledSeries, forgetRememberedSeries } from '../../../server/training/downsample.js';
import type { ProviderMetricPoint } from '../../../server/gpu/provider.js';
import { applyProviderReport } from '../../../server/training/apply-report.js';
import { insertPoints, pointsAfter, summariseStoredBlocks } from '../../../server/metrics/metric-store.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser } from '../../helpers/factories.js';
import { jobRow, readyDataset } from '../../helpers/training.js';

const POINTS = 100_000;
const SPIKE_EVERY = 9_973;
const VALIDATION_EVERY = 10_000;
/** A late step: missing at first, stored after the first requests. */
const LATE = 50_001;

let t: TestApp;
let jobId: string;
let alice: Awaited<ReturnType<typeof createUser>>;
let datasetId: string;

/** Points `from`…`to` (except LATE unless asked) with a decaying loss (or the loss given), planted spikes and validation points. */
async function storeSeries(from: number, to: number, { withLate = false, loss = null as number | null } = {}) {
  await pool.query(
    `INSERT INTO "MetricPoint" ("jobId", step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained", "gpuUtilization", "recordedAt")
     SELECT $1::uuid, g, g / 50000.0, coalesce($5::float8, 0.9 + exp(-g / 20000.0) + 0.01 * sin(g) + CASE WHEN g % ${SPIKE_EVERY} = 0 THEN 2 ELSE 0 END),
       CASE WHEN g % ${VALIDATION_EVERY} = 0 THEN 1 + exp(-g / 20000.0) END, 0.0002, 0.4, 2400, g * 4096, 0.9, now()
     FROM generate_series($2::int, $3::int) AS g WHERE g <> ${LATE} OR $4`,
    [jobId, from, to, withLate, loss],
  );
}

beforeAll(async () => {
  t = await startTestApp();
  alice = await createUser(t);
  datasetId = Buffer.from(await readyDataset(t, alice.token, 10), 'base64')
    .toString()
    .split(':')[1]!;
  jobId = (await db.trainingJob.create({ data: jobRow(alice.id, datasetId, 'RUNNING') })).id;
  await storeSeries(1, POINTS);
});
afterAll(() => t?.stop());

/** A provider's point with these losses, the other fields fixed, recorded on a fixed clock. */
const providerPoint = (step: number, epoch: number, trainingLoss: number | null, validationLoss: number | null): ProviderMetricPoint => ({
  step,
  epoch,
  trainingLoss,
  validationLoss,
  learningRate: 0.0002,
  gradNorm: null,
  throughput: 2400,
  tokensTrained: step * 4096,
  gpuUtilization: 0.9,
  recordedAt: new Date(1_790_000_000_000 + step * 1000).toISOString(),
});

/** Every returned point is the stored one, in step order, with the shape's landmarks kept. */
async function expectShape(series: Awaited<ReturnType<typeof downsampledSeries>>, last: number, maxPoints: number) {
  const steps = series.map((p) => p.step);
  expect(series.length).toBeLessThanOrEqual(maxPoints);
  expect(steps).toEqual([...steps].sort((a, b) => a - b));
  expect(steps[0]).toBe(1);
  expect(steps.at(-1)).toBe(last);
  for (let s = SPIKE_EVERY; s <= last; s += SPIKE_EVERY) expect(steps).toContain(s);
  for (let s = VALIDATION_EVERY; s <= last; s += VALIDATION_EVERY) expect(steps).toContain(s);
  const stored = new Map((await pointsAfter(jobId, 0, last + 1)).map((p) => [p.step, p]));
  for (const point of series) expect(point).toEqual(stored.get(point.step));
}

describe('downsampled series', () => {
  it('keeps the shape, and answers the same from what it remembers', async () => {
    const first = await downsampledSeries(jobId, 1000);
    await expectShape(first, POINTS, 1000);
    expect(await downsampledSeries(jobId, 1000)).toEqual(first);
    // Another budget shares the remembered blocks and points, and keeps the shape too.
    await expectShape(await downsampledSeries(jobId, 300), POINTS, 300);
    expect(await downsampledSeries(jobId, 1000)).toEqual(first);
  });

  it('stores the final blocks, and after a restart answers the same from them', async () => {
    const first = await downsampledSeries(jobId, 1000);
    const {
      rows: [stored],
    } = await pool.query<{ n: number; late: boolean }>(`SELECT count(*)::int AS n, bool_or(block = ($2::int - 1) / 64) AS late FROM "MetricBlock" WHERE "jobId" = $1`, [
      jobId,
      LATE,
    ]);
    // Every complete block (the last one holds 32 steps; LATE's misses a step) and nothing else.
    expect(stored).toEqual({ n: Math.floor(POINTS / 64) - 1, late: false });
    forgetRememberedSeries();
    expect(await downsampledSeries(jobId, 1000)).toEqual(first);
    // The stored blocks are what is read: a block told it holds another step as its highest answers with that step.
    const spikeBlock = Math.floor((SPIKE_EVERY - 1) / 64);
    await pool.query(`UPDATE "MetricBlock" SET "highStep" = $3, "highLoss" = 99 WHERE "jobId" = $1 AND block = $2`, [jobId, spikeBlock, SPIKE_EVERY - 1]);
    forgetRememberedSeries();
    const steps = (await downsampledSeries(jobId, 1000)).map((p) => p.step);
    expect(steps).toContain(SPIKE_EVERY - 1);
    expect(steps).not.toContain(SPIKE_EVERY);
    await pool.query(`UPDATE "MetricBlock" SET "highStep" = $3, "highLoss" = 2.9 WHERE "jobId" = $1 AND block = $2`, [jobId, spikeBlock, SPIKE_EVERY]);
    forgetRememberedSeries();
  });

  it('stores spans of 16 full blocks, and reads a span whole where one bucket holds it', async () => {
    const first = await downsampledSeries(jobId, 40);
    await expectShape(first, POINTS, 40);
    const {
      rows: [spans],
    } = await pool.query<{ n: number; late: boolean }>(`SELECT count(*)::int AS n, bool_or(span = ($2::int - 1) / 1024) AS late FROM "MetricSpan" WHERE "jobId" = $1`, [
      jobId,
      LATE,
    ]);
    // Every span of 16 full blocks: not the last (it holds 10 blocks) nor LATE's.
    expect(spans).toEqual({ n: Math.floor(POINTS / 1024) - 1, late: false });
    forgetRememberedSeries();
    expect(await downsampledSeries(jobId, 40)).toEqual(first);
    // About 40 blocks per bucket: a span told it holds another step as its highest answers with that step.
    const spikeSpan = Math.floor((SPIKE_EVERY - 1) / 1024);
    await pool.query(`UPDATE "MetricSpan" SET "highStep" = $3, "highLoss" = 99 WHERE "jobId" = $1 AND span = $2`, [jobId, spikeSpan, spikeSpan * 1024 + 1]);
    forgetRememberedSeries();
    const steps = (await downsampledSeries(jobId, 40)).map((p) => p.step);
    expect(steps).toContain(spikeSpan * 1024 + 1);
    expect(steps).not.toContain(SPIKE_EVERY);
    await pool.query(`UPDATE "MetricSpan" SET "highStep" = $3, "highLoss" = 2.9 WHERE "jobId" = $1 AND span = $2`, [jobId, spikeSpan, SPIKE_EVERY]);
    forgetRememberedSeries();
    expect(await downsampledSeries(jobId, 40)).toEqual(first);
  });

  it('follows a series that grows and a late point that fills a gap', async () => {
    await downsampledSeries(jobId, 1000);
    await storeSeries(POINTS + 1, POINTS + 20_000);
    await expectShape(await downsampledSeries(jobId, 1000), POINTS + 20_000, 1000);
    // A late point lower than any: the bucket holding it must now return it.
    await storeSeries(LATE, LATE, { withLate: true, loss: -1 });
    const series = await downsampledSeries(jobId, 1000);
    await expectShape(series, POINTS + 20_000, 1000);
    expect(series.map((p) => p.step)).toContain(LATE);
  });
});

describe("a running job's chart", () => {
  /** A deterministic loss with spikes, validation every 1,000 steps, and a fixed clock: two jobs given the same steps hold the same rows. */
  const point = (step: number) =>
    providerPoint(
      step,
      step / 10_000,
      0.9 + Math.exp(-step / 8000) + 0.05 * Math.sin(step * 7.1) + (step % 2_311 === 0 ? 1 : 0),
      step % 1000 === 0 ? 1 + Math.exp(-step / 8000) : null,
    );
  const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => point(from + i));
  /** Stores points with a plain INSERT: no summaries, as points stored before summaries were written on ingest. */
  const storeRaw = (id: string, points: ProviderMetricPoint[]) =>
    pool.query(
      `INSERT INTO "MetricPoint" ("jobId", step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained", "gpuUtilization", "recordedAt")
       SELECT $1::uuid, p.step, p.epoch, p."trainingLoss", p."validationLoss", p."learningRate", p."gradNorm", p.throughput, p."tokensTrained", p."gpuUtilization", p."recordedAt"
       FROM json_to_recordset($2::json) AS p(step int, epoch float8, "trainingLoss" float8, "validationLoss" float8, "learningRate" float8, "gradNorm" float8,
         throughput float8, "tokensTrained" bigint, "gpuUtilization" float8, "recordedAt" timestamptz)`,
      [id, JSON.stringify(points)],
    );

  it('answers each request as it would with nothing remembered, while points arrive by callback or without summaries', async () => {
    // Two jobs with the same points: one remembered from request to request, the other forgotten before each.
    const [warm, fresh] = await Promise.all([0, 1].map(async () => (await db.trainingJob.create({ data: jobRow(alice.id, datasetId, 'RUNNING') })).id));
    // 20 spans and a filling block, summarised as stored.
    let next = 64 * 16 * 20 + 38;
    for (const id of [warm!, fresh!]) {
      await storeRaw(id, batch(1, next - 1));
      await summariseStoredBlocks(id, 1, next - 1);
    }
    for (let round = 0; round < 60; round++) {
      // Callbacks (summaries written as blocks fill), then stretches stored without them (the chart summarises).
      const points = batch(next, 50);
      for (const id of [warm!, fresh!]) await (round % 20 < 12 ? insertPoints(id, points) : storeRaw(id, points));
      next += 50;
      // Two budgets in turn: each request regroups the buckets the other left.
      for (const maxPoints of [300, 200]) {
        const remembered = await downsampledSeries(warm!, maxPoints);
        forgetRememberedSeries(fresh);
        expect(remembered).toEqual(await downsampledSeries(fresh!, maxPoints));
        expect(remembered.at(-1)!.step).toBe(next - 1);
        expect(remembered.length).toBeLessThanOrEqual(maxPoints);
      }
    }
    // A late point before every other one moves the first block: what was remembered is read again.
    for (const id of [warm!, fresh!]) await storeRaw(id, [{ ...point(1), step: -5, trainingLoss: 9 }]);
    forgetRememberedSeries(fresh);
    const remembered = await downsampledSeries(warm!, 300);
    expect(remembered).toEqual(await downsampledSeries(fresh!, 300));
    expect(remembered[0]!.step).toBe(-5);
  });
});

describe('block summaries written as points land', () => {
  /** A noisy loss with ties, a step without a training loss, and validation every 10 steps. */
  const point = (step: number) => providerPoint(step, step / 100, step === 70 ? null : Math.round(10 * (1 + Math.sin(step))) / 10, step % 10 === 0 ? 1 / step : null);
  const steps = (from: number, to: number, except: number[] = []) =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i)
      .filter((s) => !except.includes(s))
      .map(point);
  const report = (points: ProviderMetricPoint[]) => ({
    state: 'RUNNING' as const,
    stage: 'TRAINING' as const,
    step: Math.max(...points.map((p) => p.step)),
    totalSteps: 1000,
    epoch: 0,
    points,
    artifacts: [],
    error: null,
  });
  const stored = async (id: string) =>
    (
      await pool.query<{ block: number; lowLoss: number; lowStep: number; highLoss: number; highStep: number; validationSteps: number[] }>(
        `SELECT block, "lowLoss", "lowStep", "highLoss", "highStep", "validationSteps" FROM "MetricBlock" WHERE "jobId" = $1 ORDER BY block`,
        [id],
      )
    ).rows;
  /** The summary a block of 64 steps has, worked out here from the points. */
  const expected = (block: number) => {
    const points = steps(block * 64 + 1, block * 64 + 64);
    const loss = (p: ProviderMetricPoint, none: number) => p.trainingLoss ?? none;
    const low = points.reduce((a, p) => (loss(p, Infinity) < loss(a, Infinity) ? p : a));
    const high = points.reduce((a, p) => (loss(p, -Infinity) >= loss(a, -Infinity) ? p : a));
    return {
      block,
      lowLoss: low.trainingLoss,
      lowStep: low.step,
      highLoss: high.trainingLoss,
      highStep: high.step,
      validationSteps: points.filter((p) => p.validationLoss !== null).map((p) => p.step),
    };
  };

  it('stores a block-ending callback whose points a poll stored in part: each step once, the block summarised', async () => {
    const id = (await db.trainingJob.create({ data: jobRow(alice.id, datasetId, 'RUNNING') })).id;
    await insertPoints(id, steps(20, 40));
    const outcome = await applyProviderReport(t.app.services, id, report(steps(1, 64)), { deliveryId: 'd-overlap', externalId: 'x-overlap' });
    expect(outcome).toEqual({ kind: 'applied' });
    const { rows } = await pool.query<{ step: number }>(`SELECT step FROM "MetricPoint" WHERE "jobId" = $1 ORDER BY step`, [id]);
    expect(rows.map((r) => r.step)).toEqual(steps(1, 64).map((p) => p.step));
    expect(await stored(id)).toEqual([expected(0)]);
    expect((await db.trainingJob.findUniqueOrThrow({ where: { id } })).currentStep).toBe(64);
  });

  it('summarises each block once all its steps are stored, by a callback or a poll, and the chart reads them', async () => {
    const id = (await db.trainingJob.create({ data: jobRow(alice.id, datasetId, 'RUNNING') })).id;
    await applyProviderReport(t.app.services, id, report(steps(1, 100)));
    // Block 0 (steps 1–64) is full; block 1 (65–128) holds 36 steps.
    expect(await stored(id)).toEqual([expected(0)]);
    // Block 1 is filled by points new and already stored together; block 2 misses step 150; block 3 is filling.
    await applyProviderReport(t.app.services, id, report(steps(101, 200, [150])), { deliveryId: 'd-1', externalId: 'x' });
    expect(await stored(id)).toEqual([expected(0), expected(1)]);
    // A late point (as a poll's catch-up stores it) completes block 2; a repeated one changes nothing.
    await insertPoints(id, steps(150, 150));
    await insertPoints(id, steps(1, 200));
    expect(await stored(id)).toEqual([expected(0), expected(1), expected(2)]);
    await insertPoints(id, steps(201, 64 * 40));
    const summaries = await stored(id);
    expect(summaries).toEqual(Array.from({ length: 40 }, (_, b) => expected(b)));
    // Blocks 0–15 and 16–31 make spans 0 and 1: the lowest and highest of their blocks' (the lower step on a tie
    // for the lowest, the higher for the highest), and all their validation steps.
    const spans = await pool.query(`SELECT span, "lowLoss", "lowStep", "highLoss", "highStep", "validationSteps" FROM "MetricSpan" WHERE "jobId" = $1 ORDER BY span`, [id]);
    const span = (s: number) => {
      const blocks = summaries.slice(s * 16, s * 16 + 16);
      const low = blocks.reduce((a, b) => (b.lowLoss < a.lowLoss || (b.lowLoss === a.lowLoss && b.lowStep < a.lowStep) ? b : a));
      const high = blocks.reduce((a, b) => (b.highLoss > a.highLoss || (b.highLoss === a.highLoss && b.highStep > a.highStep) ? b : a));
      return { span: s, lowLoss: low.lowLoss, lowStep: low.lowStep, highLoss: high.highLoss, highStep: high.highStep, validationSteps: blocks.flatMap((b) => b.validationSteps) };
    };
    expect(spans.rows).toEqual([span(0), span(1)]);
    // The chart's first request reads those summaries, not the points: a summary told another step is its highest
    // answers with that step.
    await pool.query(`UPDATE "MetricBlock" SET "highLoss" = 99, "highStep" = $2 WHERE "jobId" = $1 AND block = 5`, [id, 5 * 64 + 1]);
    forgetRememberedSeries();
    const series = (await downsampledSeries(id, 50)).map((p) => p.step);
    expect(series[0]).toBe(1);
    expect(series.at(-1)).toBe(64 * 40);
    expect(series).toContain(5 * 64 + 1);
  });
});
