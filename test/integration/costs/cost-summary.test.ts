// costSummary over known cost records: exact totals, series by day/week/month
// (empty periods at zero), breakdowns by type and GPU type, top jobs, this
// month against last; the total equals the sum of the series and of each
// breakdown; another user's costs never appear. And the daily storage
// accrual: one exact record per owner per day, whatever is re-run.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accrueStorageCost } from '../../../server/costs/storage-cost.js';
import { sumAmounts } from '../../../server/costs/summary.js';
import { db, pool, statementCounter } from '../../../server/db/client.js';
import type { CostType } from '../../../server/db/generated/prisma/enums.js';
import { accrueStorageCostJob } from '../../../server/queue/definitions.js';
import { accrueStorageCostWorker } from '../../../server/workers/accrue-storage-cost.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { storedEstimate } from '../../helpers/training.js';
import { ofType } from '../../helpers/graphql-client.js';
import { graphql } from '../../gql/index.js';
import type { CostSummaryShowQueryVariables } from '../../gql/graphql.js';

let t: TestApp;
const GiB = 1024 ** 3;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

/** A dataset row of the owner's (UPLOADING unless told: not billed for storage). */
async function dataset(ownerId: string, data: { fileSize?: number; status?: 'UPLOADING' | 'READY'; createdAt?: Date; deletedAt?: Date; fileRemovedAt?: Date } = {}) {
  return db.dataset.create({
    data: {
      ownerId,
      name: 'synthetic',
      baseModelId: 'mistralai/Mistral-7B-v0.1',
      fileName: 'train.jsonl',
      fileSize: BigInt(data.fileSize ?? 1000),
      contentType: 'application/jsonl',
      storagePath: `${ownerId}/${randomUUID()}/train.jsonl`,
      status: data.status ?? 'UPLOADING',
      createdAt: data.createdAt,
      deletedAt: data.deletedAt,
      fileRemovedAt: data.fileRemovedAt,
    },
  });
}

async function job(ownerId: string, datasetId: string, gpuType: string, status: 'COMPLETED' | 'QUEUED' = 'COMPLETED') {
  return db.trainingJob.create({
    data: {
      ownerId,
      datasetId,
      name: `job on ${gpuType}`,
      presetId: 'fast',
      baseModelId: 'mistralai/Mistral-7B-v0.1',
      hyperparameters: {},
      gpuType,
      gpuCount: 1,
      totalEpochs: 1,
      estimate: storedEstimate() as object,
      estimatedCost: '1',
      provider: 'synthetic',
      status,
    },
  });
}

async function record(ownerId: string, at: string, amount: string, jobId: string | null = null, type: CostType = jobId ? 'TRAINING_COMPUTE' : 'STORAGE') {
  const start = new Date(at);
  await db.costRecord.create({ data: { ownerId, jobId, type, amount, periodStart: start, periodEnd: new Date(start.getTime() + 1000), dedupeKey: `test:${randomUUID()}` } });
}

const SUMMARY = graphql(`
  query CostSummaryShow($from: DateTime!, $to: DateTime!, $groupBy: CostGroupBy, $topJobs: Int) {
    costSummary(from: $from, to: $to, groupBy: $groupBy, topJobs: $topJobs) {
      __typename
      ... on CostSummary {
        total currency groupBy
        series { periodStart periodEnd total byType { type total } }
        byType { type total }
        byGpuType { gpuType total }
        topJobs { job { id name } total }
        monthComparison { thisMonthStart thisMonth lastMonth lastMonthToDate changePercent }
      }
      ... on InvalidInputError { problems { path message } }
    }
  }
`);

/** What costSummary answers, a summary or a typed error. */
async function summaryOrError(token: string, variables: CostSummaryShowQueryVariables) {
  return (await t.gqlData(SUMMARY, variables, token)).costSummary;
}

/** A summary the range must give. */
async function summary(token: string, variables: CostSummaryShowQueryVariables) {
  return ofType(await summaryOrError(token, variables), 'CostSummary');
}

type Summary = Awaited<ReturnType<typeof summary>>;

/** The invariants every summary keeps, whatever its data. */
function addsUp(s: Summary) {
  expect(sumAmounts(s.series.map((p) => p.total))).toBe(s.total);
  expect(sumAmounts(s.byType.map((b) => b.total))).toBe(s.total);
  expect(sumAmounts(s.byGpuType.map((b) => b.total))).toBe(s.total);
  for (const p of s.series) expect(sumAmounts(p.byType.map((b) => b.total))).toBe(p.total);
  for (const type of ['TRAINING_COMPUTE', 'STORAGE']) {
    expect(sumAmounts(s.series.map((p) => p.byType.find((b) => b.type === type)!.total))).toBe(s.byType.find((b) => b.type === type)!.total);
  }
}

describe('costSummary', () => {
  let carol: TestUser;
  let dave: TestUser;
  const jobs: Record<string, string> = {};
  const range = { from: '2021-01-01T00:00:00Z', to: '2021-03-01T00:00:00Z' };

  beforeAll(async () => {
    [carol, dave] = await Promise.all([createUser(t), createUser(t)]);
    const d = await dataset(carol.id);
    const [a, b, c] = await Promise.all([job(carol.id, d.id, 'A100-80GB'), job(carol.id, d.id, 'H100-80GB'), job(carol.id, d.id, 'A100-80GB')]);
    Object.assign(jobs, { a: a.id, b: b.id, c: c.id });
    await Promise.all([
      record(carol.id, '2021-01-01T00:00:00Z', '1.000001', a.id),
      record(carol.id, '2021-01-01T23:59:59.999Z', '2.5', a.id),
      record(carol.id, '2021-01-04T10:00:00Z', '0.333333', a.id),
      record(carol.id, '2021-01-05T00:00:00Z', '-0.000002', a.id), // a settling record may take back a little
      record(carol.id, '2021-01-31T23:00:00Z', '10.123456', b.id),
      record(carol.id, '2021-02-01T00:00:00Z', '0.000001', b.id),
      record(carol.id, '2021-02-28T23:59:59.999Z', '4.2', c.id),
      record(carol.id, '2021-01-15T00:00:00Z', '0.01'),
      record(carol.id, '2021-02-15T00:00:00Z', '0.02'),
      // Outside [from, to): never counted.
      record(carol.id, '2020-12-31T23:59:59.999Z', '100', a.id),
      record(carol.id, '2021-03-01T00:00:00Z', '200', c.id),
    ]);
    // Dave spends in the same range, with a job dearer than any of Carol's.
    const dd = await dataset(dave.id);
    const dj = await job(dave.id, dd.id, 'V100-32GB');
    jobs.dave = dj.id;
    await Promise.all([record(dave.id, '2021-01-10T00:00:00Z', '999.999999', dj.id), record(dave.id, '2021-01-10T00:00:00Z', '5')]);
  });

  it('totals, breakdowns and top jobs are exact and add up', async () => {
    const s = await summary(carol.token, { ...range, groupBy: 'MONTH' });
    expect(s.__typename).toBe('CostSummary');
    expect(s).toMatchObject({ total: '18.186789', currency: 'USD', groupBy: 'MONTH' });
    expect(s.byType).toEqual([
      { type: 'TRAINING_COMPUTE', total: '18.156789' },
      { type: 'STORAGE', total: '0.030000' },
    ]);
    expect(s.byGpuType).toEqual([
      { gpuType: 'H100-80GB', total: '10.123457' },
      { gpuType: 'A100-80GB', total: '8.033332' },
      { gpuType: null, total: '0.030000' },
    ]);
    expect(s.topJobs.map((j) => [rawId(j.job.id), j.total])).toEqual([
      [jobs.b, '10.123457'],
      [jobs.c, '4.200000'],
      [jobs.a, '3.833332'],
    ]);
    expect(s.series.map((p) => [p.periodStart, p.periodEnd, p.total])).toEqual([
      ['2021-01-01T00:00:00.000Z', '2021-02-01T00:00:00.000Z', '13.966788'],
      ['2021-02-01T00:00:00.000Z', '2021-03-01T00:00:00.000Z', '4.220001'],
    ]);
    addsUp(s);
    const top1 = await summary(carol.token, { ...range, groupBy: 'MONTH', topJobs: 1 });
    expect(top1.topJobs.map((j) => j.total)).toEqual(['10.123457']);
  });

  it('costs the same number of SQL statements for 1 top job as for 3', async () => {
    const statements = async (topJobs: number) => {
      let fewest = Infinity;
      for (let i = 0; i < 3; i++) {
        const before = statementCounter.count;
        const s = await summary(carol.token, { ...range, groupBy: 'DAY', topJobs });
        expect(s.topJobs).toHaveLength(topJobs);
        fewest = Math.min(fewest, statementCounter.count - before);
      }
      return fewest;
    };
    expect(await statements(3)).toBe(await statements(1));
  });

  it('by day: every day of the range, empty ones at zero', async () => {
    const s = await summary(carol.token, { ...range, groupBy: 'DAY' });
    expect(s.series).toHaveLength(59);
    expect(s.series[0]).toEqual({
      periodStart: '2021-01-01T00:00:00.000Z',
      periodEnd: '2021-01-02T00:00:00.000Z',
      total: '3.500001',
      byType: [
        { type: 'TRAINING_COMPUTE', total: '3.500001' },
        { type: 'STORAGE', total: '0.000000' },
      ],
    });
    expect(s.series[1]?.total).toBe('0.000000');
    expect(s.series.find((p) => p.periodStart.startsWith('2021-01-15'))?.byType).toEqual([
      { type: 'TRAINING_COMPUTE', total: '0.000000' },
      { type: 'STORAGE', total: '0.010000' },
    ]);
    expect(s.series.at(-1)).toMatchObject({ periodStart: '2021-02-28T00:00:00.000Z', total: '4.200000' });
    expect(s.total).toBe('18.186789');
    addsUp(s);
  });

  it('by ISO week, from Monday', async () => {
    const s = await summary(carol.token, { ...range, groupBy: 'WEEK' });
    expect(s.series.map((p) => p.periodStart.slice(0, 10))).toEqual([
      '2020-12-28',
      '2021-01-04',
      '2021-01-11',
      '2021-01-18',
      '2021-01-25',
      '2021-02-01',
      '2021-02-08',
      '2021-02-15',
      '2021-02-22',
    ]);
    // The week of 28 December holds only what falls inside the range (1 January), not 31 December's 100.
    expect(s.series[0]?.total).toBe('3.500001');
    expect(s.series[1]?.total).toBe('0.333331');
    expect(s.total).toBe('18.186789');
    addsUp(s);
  });

  it("never shows another user's costs", async () => {
    const theirs = await summary(dave.token, { ...range, groupBy: 'MONTH' });
    expect(theirs.total).toBe('1004.999999');
    expect(theirs.topJobs.map((j) => rawId(j.job.id))).toEqual([jobs.dave]);
    addsUp(theirs);
    const mine = await summary(carol.token, { ...range, groupBy: 'MONTH' });
    expect(mine.topJobs.map((j) => rawId(j.job.id))).not.toContain(jobs.dave);
    expect(mine.byGpuType.map((g) => g.gpuType)).not.toContain('V100-32GB');
    // A new user has nothing at all.
    const erin = await createUser(t);
    const empty = await summary(erin.token, { ...range, groupBy: 'MONTH' });
    expect(empty).toMatchObject({ total: '0.000000', byGpuType: [], topJobs: [] });
    expect(empty.series.map((p) => p.total)).toEqual(['0.000000', '0.000000']);
    addsUp(empty);
  });

  it('counts partial days at either end of a range exactly (records, not the daily rollup)', async () => {
    // Starts at noon on 1 January (drops the midnight record, keeps 23:59:59.999) and stops 1 ms before the last record.
    const s = await summary(carol.token, { from: '2021-01-01T12:00:00Z', to: '2021-02-28T23:59:59.998Z', groupBy: 'DAY' });
    expect(s.total).toBe('12.986788');
    expect(s.series[0]).toMatchObject({ periodStart: '2021-01-01T00:00:00.000Z', total: '2.500000' });
    expect(s.series.at(-1)).toMatchObject({ periodStart: '2021-02-28T00:00:00.000Z', total: '0.000000' });
    addsUp(s);
    // Inside one day.
    const within = await summary(carol.token, { from: '2021-01-01T00:00:00Z', to: '2021-01-01T00:00:00.001Z', groupBy: 'WEEK' });
    expect(within.total).toBe('1.000001');
    expect(within.series).toHaveLength(1);
    addsUp(within);
    // Inside one day, neither end at midnight: counted once.
    const midday = await summary(carol.token, { from: '2021-01-04T09:00:00Z', to: '2021-01-04T11:00:00Z', groupBy: 'DAY' });
    expect(midday.total).toBe('0.333333');
    expect(midday.series).toHaveLength(1);
    addsUp(midday);
  });

  it('keeps its daily rollup equal to the records through inserts, updates and deletes', async () => {
    const hank = await createUser(t);
    const d = await dataset(hank.id);
    const [j1, j2] = await Promise.all([job(hank.id, d.id, 'A100-40GB'), job(hank.id, d.id, 'A100-40GB')]);
    await Promise.all([
      record(hank.id, '2022-03-01T01:00:00Z', '1.25', j1.id),
      record(hank.id, '2022-03-01T02:00:00Z', '0.75', j1.id),
      record(hank.id, '2022-03-02T00:00:00Z', '3', j2.id),
      record(hank.id, '2022-03-02T00:00:00Z', '0.5'),
    ]);
    const range = { from: '2022-03-01T00:00:00Z', to: '2022-04-01T00:00:00Z', groupBy: 'MONTH' } as const;
    expect((await summary(hank.token, range)).total).toBe('5.500000');
    // A record corrected, one moved to another day, a job (and by cascade its records) deleted.
    await db.costRecord.updateMany({ where: { jobId: j1.id, amount: '1.25' }, data: { amount: '1.3' } });
    await db.costRecord.updateMany({ where: { ownerId: hank.id, jobId: null }, data: { periodStart: new Date('2022-03-20T00:00:00Z') } });
    await db.trainingJob.delete({ where: { id: j2.id } });
    const after = await summary(hank.token, { ...range, groupBy: 'DAY' });
    expect(after.total).toBe('2.550000');
    expect(after.topJobs.map((j) => [rawId(j.job.id), j.total])).toEqual([[j1.id, '2.050000']]);
    expect(after.series.find((p) => p.periodStart.startsWith('2022-03-20'))?.total).toBe('0.500000');
    expect(after.series.find((p) => p.periodStart.startsWith('2022-03-02'))?.total).toBe('0.000000');
    addsUp(after);
    const { rows } = await pool.query(
      `SELECT (SELECT json_agg(x ORDER BY day, type, "jobKey") FROM (SELECT day, type, "jobKey", amount::text, records FROM "CostDaily" WHERE "ownerId" = $1) x) AS rollup,
              (SELECT json_agg(y ORDER BY day, type, "jobKey") FROM (SELECT date_trunc('day', "periodStart", 'UTC') AS day, type, coalesce("jobId", '00000000-0000-0000-0000-000000000000') AS "jobKey", sum(amount)::text AS amount, count(*)::int AS records
                 FROM "CostRecord" WHERE "ownerId" = $1 GROUP BY 1, 2, 3) y) AS direct`,
      [hank.id],
    );
    expect(rows[0].rollup).toEqual(rows[0].direct);
    expect(rows[0].rollup).toHaveLength(2); // j1 on 1 March, storage on 20 March; 2 March's rows went with their records
  });

  it('compares this month so far with last month', async () => {
    const frank = await createUser(t);
    const now = new Date();
    const thisStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const lastStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    await Promise.all([
      record(frank.id, thisStart.toISOString(), '1.5'),
      record(frank.id, lastStart.toISOString(), '2.25'),
      record(frank.id, new Date(thisStart.getTime() - 1).toISOString(), '0.75'), // last month's last instant: after "to date"
    ]);
    const s = await summary(frank.token, { from: lastStart.toISOString(), to: new Date(thisStart.getTime() + 86_400_000 * 40).toISOString(), groupBy: 'MONTH' });
    expect(s.monthComparison).toEqual({
      thisMonthStart: thisStart.toISOString(),
      thisMonth: '1.500000',
      lastMonth: '3.000000',
      lastMonthToDate: now.getUTCDate() >= 28 ? expect.any(String) : '2.250000',
      changePercent: now.getUTCDate() >= 28 ? expect.any(Number) : -33.33,
    });
    addsUp(s);
  });

  it('refuses a range that ends before it starts, or too many periods, as typed errors', async () => {
    const backwards = ofType(await summaryOrError(carol.token, { from: range.to, to: range.from }), 'InvalidInputError');
    expect(backwards.problems[0]?.path).toEqual(['to']);
    const tooMany = ofType(await summaryOrError(carol.token, { from: '2010-01-01T00:00:00Z', to: '2021-01-01T00:00:00Z', groupBy: 'DAY' }), 'InvalidInputError');
    expect(tooMany.problems[0]?.path).toEqual(['groupBy']);
    const unauthenticated = await t.gql(SUMMARY, range, null);
    expect(unauthenticated.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('storage cost', () => {
  it('accrues one exact record per owner per day at the price per GiB-month, for what was stored that day', async () => {
    const gina = await createUser(t);
    const owner = gina.id;
    const kept = await dataset(owner, { status: 'READY', fileSize: 10 * GiB, createdAt: new Date('2020-01-01T00:00:00Z') });
    // Deleted on the 9th; its file removed after the grace period, on the 10th: billed until then.
    await dataset(owner, {
      status: 'READY',
      fileSize: 5 * GiB,
      createdAt: new Date('2020-01-01T00:00:00Z'),
      deletedAt: new Date('2020-01-09T23:55:00Z'),
      fileRemovedAt: new Date('2020-01-10T00:05:00Z'),
    });
    // An upload never confirmed: its URL reserved 7 GiB until it expired on the 2nd.
    await dataset(owner, {
      status: 'UPLOADING',
      fileSize: 7 * GiB,
      createdAt: new Date('2020-01-01T00:00:00Z'),
      deletedAt: new Date('2020-01-02T00:00:00Z'),
      fileRemovedAt: new Date('2020-01-02T00:01:00Z'),
    });
    const done = await job(owner, kept.id, 'A100-80GB');
    const artifact = await db.modelArtifact.create({
      data: {
        ownerId: owner,
        jobId: done.id,
        datasetId: kept.id,
        name: 'm',
        baseModelId: done.baseModelId,
        hyperparameters: {},
        status: 'STORED',
        storagePrefix: `${owner}/x/`,
        storedAt: new Date('2020-01-12T08:00:00Z'),
      },
    });
    await db.artifactFile.createMany({
      data: [
        { artifactId: artifact.id, name: 'adapter_model.safetensors', storagePath: 'x/a', size: BigInt(2 * GiB), sha256: '0'.repeat(64), contentType: 'application/octet-stream' },
        { artifactId: artifact.id, name: 'README.md', storagePath: 'x/b', size: BigInt(GiB), sha256: '1'.repeat(64), contentType: 'text/markdown' },
      ],
    });
    const price = t.config.costs.storagePriceUsdPerGbMonth;
    expect(price).toBe('0.02');
    const day = async (d: string) => {
      await accrueStorageCost(new Date(`${d}T00:00:00Z`), price);
      return db.costRecord.findUnique({ where: { dedupeKey: `storage:${owner}:${d}` } });
    };
    // 10 + 5 + 7 (the upload in progress) GiB: 22 × 0.02 ÷ 31 = 0.014194.
    expect((await day('2020-01-01'))!.details).toMatchObject({ datasetBytes: 22 * GiB, datasets: 3 });
    // 10 + 5 (its file removed during the day) GiB, January has 31 days: 15 × 0.02 ÷ 31 = 0.009677419… → 0.009677.
    expect((await day('2020-01-10'))!.amount.toFixed(6)).toBe('0.009677');
    // The deleted file is gone; the model is not stored yet: 10 × 0.02 ÷ 31 = 0.006452.
    expect((await day('2020-01-11'))!.amount.toFixed(6)).toBe('0.006452');
    // 10 GiB of dataset + 3 GiB of model files.
    const jan15 = (await day('2020-01-15'))!;
    expect(jan15).toMatchObject({ ownerId: owner, jobId: null, type: 'STORAGE' });
    expect(jan15.amount.toFixed(6)).toBe('0.008387');
    expect(jan15.periodStart.toISOString()).toBe('2020-01-15T00:00:00.000Z');
    expect(jan15.periodEnd.toISOString()).toBe('2020-01-16T00:00:00.000Z');
    expect(jan15.details).toMatchObject({ bytes: 13 * GiB, datasetBytes: 10 * GiB, modelBytes: 3 * GiB, datasets: 1, models: 1, daysInMonth: 31 });
    // February 2020 has 29 days.
    expect((await day('2020-02-01'))!.amount.toFixed(6)).toBe('0.008966');

    // Again, and through the queued job: still one record a day.
    await day('2020-01-15');
    const ctx = { services: t.app.services, log: t.app.services.log, jobId: 'test', retryCount: 0, signal: new AbortController().signal };
    await accrueStorageCostWorker.handle({ day: '2020-01-15' }, ctx);
    await Promise.all([day('2020-01-16'), day('2020-01-16')]);
    const records = await db.costRecord.findMany({ where: { ownerId: owner, type: 'STORAGE' }, orderBy: { periodStart: 'asc' } });
    expect(records.map((r) => r.periodStart.toISOString().slice(0, 10))).toEqual(['2020-01-01', '2020-01-10', '2020-01-11', '2020-01-15', '2020-01-16', '2020-02-01']);

    // The storage costs appear in the owner's summary, exactly.
    const s = await summary(gina.token, { from: '2020-01-01T00:00:00Z', to: '2020-03-01T00:00:00Z', groupBy: 'MONTH' });
    expect(s.byType.find((b) => b.type === 'STORAGE')?.total).toBe(sumAmounts(records.map((r) => r.amount.toFixed(6))));
    addsUp(s);
  });

  it('is scheduled daily with pg-boss', async () => {
    const schedules = await t.app.services.jobs.boss.getSchedules(accrueStorageCostJob.name);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ cron: '5 0 * * *', timezone: 'UTC' });
  });
});
