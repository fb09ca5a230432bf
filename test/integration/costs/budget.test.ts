// Monthly budgets on real PostgreSQL: alerts at 50, 80 and 100 % exactly once a
// month (also when several processes see a threshold crossed at the same
// moment), a new month starting over, months in the budget's time zone, and
// the hard stop: a job that could cross the budget is refused with the
// amounts, and a running job is stopped at the budget with exact cost records.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetAlertKey, budgetStatus } from '../../../server/costs/budget.js';
import { applyBudget } from '../../../server/training/spending-limits.js';
import { db } from '../../../server/db/client.js';
import { microsToUsd, usdToMicros } from '../../../server/costs/money.js';
import { startTestApp, wsCollect, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';
import { graphql } from '../../gql/index.js';
import type { SetBudgetInput } from '../../gql/graphql.js';
import { oneToN, until, useProcesses } from '../../helpers/processes.js';
import { createJob, followJob, jobRow, readyDataset } from '../../helpers/training.js';

let t: TestApp;
const procs = useProcesses();
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

beforeAll(async () => {
  // 200 ms a step: the quality preset on 40 examples runs about 5 s, long enough to be stopped half-way.
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' }, { stepIntervalMs: 200 });
});
afterAll(() => t?.stop());

const SET_BUDGET = graphql(`
  mutation BudgetSet($input: SetBudgetInput!) {
    setBudget(input: $input) {
      __typename
      ... on SetBudgetPayload { budget { amount hardStop timeZone month spent remaining thresholds { percent amount reachedAt } } }
      ... on InvalidInputError { problems { path message } }
    }
  }
`);
const BUDGET = graphql(`
  query BudgetShow {
    budget { amount hardStop timeZone month monthStart monthEnd spent committed projected remaining thresholds { percent amount reachedAt } }
  }
`);
const LEFT_AFTER_JOB = graphql(`
  query BudgetLeftAfterJob {
    budget { a: leftAfterJob(estimatedCost: "20") b: leftAfterJob(estimatedCost: "20", maxCost: "5") }
  }
`);
const LEFT_AFTER_NEGATIVE = graphql(`
  query BudgetLeftAfterNegative {
    budget { leftAfterJob(estimatedCost: "-1") }
  }
`);
const REMOVE_BUDGET = graphql(`
  mutation BudgetRemove {
    removeBudget { removed }
  }
`);
const CREATE_JOB_OVER_BUDGET = graphql(`
  mutation BudgetCreateJob($input: CreateTrainingJobInput!) {
    createTrainingJob(input: $input) {
      __typename
      ... on BudgetExceededError { message month budget spent committed remaining jobCost }
    }
  }
`);
const BUDGET_JOB_UPDATED = graphql(`
  subscription BudgetJobUpdated($id: ID!) {
    trainingJobUpdated(id: $id) { status }
  }
`);

async function setBudget(user: TestUser, input: SetBudgetInput) {
  return (await t.gqlData(SET_BUDGET, { input }, user.token)).setBudget;
}

/** A storage cost record of `amount` USD for the owner, in the period starting at `at` (storage needs no job). */
async function spend(ownerId: string, amount: string, at = new Date()) {
  await db.costRecord.create({
    data: { ownerId, type: 'STORAGE', amount, periodStart: at, periodEnd: new Date(at.getTime() + 1000), dedupeKey: `test:${randomUUID()}` },
  });
}

async function alerts(ownerId: string) {
  const rows = await db.notification.findMany({ where: { ownerId, type: 'BUDGET_THRESHOLD' }, orderBy: { createdAt: 'asc' } });
  return rows.map((n) => n.dedupeKey);
}

describe('setting a budget', () => {
  it('refuses a bad amount and an unknown time zone, naming each field', async () => {
    const user = await createUser(t);
    for (const [input, path] of [
      [{ amountUsd: '0' }, 'amountUsd'],
      [{ amountUsd: '-5' }, 'amountUsd'],
      [{ amountUsd: '1.1234567' }, 'amountUsd'],
      [{ amountUsd: '100000000' }, 'amountUsd'],
      [{ amountUsd: '10', timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ amountUsd: '10', timeZone: 'UTC+3' }, 'timeZone'],
    ] as const) {
      const result = await setBudget(user, input);
      const problems = result.__typename === 'InvalidInputError' ? result.problems : undefined;
      expect({ input, result: result.__typename, paths: problems?.map((p) => p.path.join('.')) }).toEqual({
        input,
        result: 'InvalidInputError',
        paths: [path],
      });
    }
    expect((await t.gqlData(BUDGET, {}, user.token)).budget).toBeNull();
  });

  it("shows the month's spend, the projection from active jobs, and the thresholds; removeBudget removes it", async () => {
    const user = await createUser(t);
    await spend(user.id, '12.5');
    const dataset = await readyDataset(t, user.token);
    // An active job still expected to cost its estimate (0.50) and nothing spent yet.
    await db.trainingJob.create({ data: { ...jobRow(user.id, rawId(dataset), 'QUEUED') } });
    const set = ofType(await setBudget(user, { amountUsd: '200', hardStop: true, timeZone: 'Europe/Berlin' }), 'SetBudgetPayload');
    expect(set.budget).toMatchObject({ amount: '200.000000', hardStop: true, timeZone: 'Europe/Berlin', spent: '12.500000', remaining: '187.000000' });
    const { budget } = await t.gqlData(BUDGET, {}, user.token);
    if (!budget) throw new Error('no budget');
    expect(budget).toMatchObject({ committed: '0.500000', projected: '13.000000' });
    expect(budget.thresholds.map((h) => [h.percent, h.amount, h.reachedAt])).toEqual([
      [50, '100.000000', null],
      [80, '160.000000', null],
      [100, '200.000000', null],
    ]);
    // What a job would leave: its estimate, or its cost cap when lower, out of what remains.
    const left = await t.gqlData(LEFT_AFTER_JOB, {}, user.token);
    expect(left.budget).toEqual({ a: '167.000000', b: '182.000000' });
    const negative = await t.gql(LEFT_AFTER_NEGATIVE, {}, user.token);
    expect(negative.body.errors?.[0]).toMatchObject({ message: 'estimatedCost must not be negative', extensions: { code: 'BAD_USER_INPUT' } });
    // Berlin's month starts at 23:00 or 22:00 UTC the day before.
    expect(new Date(budget.monthStart).getUTCHours()).toBeGreaterThanOrEqual(22);
    const removed = await t.gqlData(REMOVE_BUDGET, {}, user.token);
    expect(removed.removeBudget.removed).toBe(true);
    expect((await t.gqlData(BUDGET, {}, user.token)).budget).toBeNull();
    expect((await t.gqlData(REMOVE_BUDGET, {}, user.token)).removeBudget.removed).toBe(false);
  });
});

describe('alerts', () => {
  it('go out once per threshold per month, in order, however often the budget is applied', async () => {
    const user = await createUser(t);
    await setBudget(user, { amountUsd: '100' });
    const month = (await budgetStatus(user.id))!.month;
    const key = (p: 50 | 80 | 100) => budgetAlertKey(month, p);
    const steps: [string, string[]][] = [
      ['49.999999', []],
      ['0.000001', [key(50)]],
      ['29.999999', [key(50)]],
      ['0.000001', [key(50), key(80)]],
      ['25', [key(50), key(80), key(100)]],
      ['500', [key(50), key(80), key(100)]],
    ];
    for (const [amount, expected] of steps) {
      await spend(user.id, amount);
      await applyBudget(t.app.services, user.id);
      await applyBudget(t.app.services, user.id);
      expect(await alerts(user.id)).toEqual(expected);
    }
    const { budget } = await t.gqlData(BUDGET, {}, user.token);
    expect(budget?.thresholds.every((h) => h.reachedAt !== null)).toBe(true);
    const hundred = await db.notification.findFirstOrThrow({ where: { ownerId: user.id, dedupeKey: key(100) } });
    expect(hundred).toMatchObject({ priority: 'HIGH', link: '/costs' });
    expect(hundred.message).toContain('$105.00 of your $100.00 budget');
    // A budget set below what the month has already cost alerts at once, without waiting for a poll.
    const other = await createUser(t);
    await spend(other.id, '90');
    await setBudget(other, { amountUsd: '100' });
    expect(await alerts(other.id)).toEqual([budgetAlertKey(month, 50), budgetAlertKey(month, 80)]);
  });

  it('start over in a new month: that month counts only its own records', async () => {
    const user = await createUser(t);
    await setBudget(user, { amountUsd: '10' });
    // Two months ahead: nothing spent in it yet, whatever this month holds.
    const now = new Date();
    const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 10, 12));
    await spend(user.id, '20');
    await applyBudget(t.app.services, user.id);
    const thisMonth = (await budgetStatus(user.id))!.month;
    expect(await alerts(user.id)).toEqual([50, 80, 100].map((p) => budgetAlertKey(thisMonth, p as 50)));
    const next = (await budgetStatus(user.id, later))!;
    expect(next.spentMicros).toBe(0n);
    await applyBudget(t.app.services, user.id, later);
    expect(await alerts(user.id)).toHaveLength(3);
    await spend(user.id, '6', later);
    await applyBudget(t.app.services, user.id, later);
    await applyBudget(t.app.services, user.id, later);
    expect((await alerts(user.id)).slice(3)).toEqual([budgetAlertKey(next.month, 50)]);
    expect(next.month).not.toBe(thisMonth);
  });

  it("count months in the budget's time zone", async () => {
    const user = await createUser(t);
    await setBudget(user, { amountUsd: '10', timeZone: 'Pacific/Auckland' });
    // 31 December 2027, 12:00 UTC is 1 January 2028, 01:00 in Auckland (UTC+13 in summer).
    const newYear = new Date('2027-12-31T12:00:00Z');
    await spend(user.id, '3', new Date('2027-12-31T10:59:59Z')); // 23:59:59 on 31 December in Auckland
    await spend(user.id, '4', new Date('2027-12-31T11:00:00Z')); // midnight: January in Auckland
    const status = (await budgetStatus(user.id, newYear))!;
    expect(status.month).toBe('2028-01');
    expect(status.monthStart.toISOString()).toBe('2027-12-31T11:00:00.000Z');
    expect(microsToUsd(status.spentMicros)).toBe('4.00');
    expect((await budgetStatus(user.id, new Date('2027-12-31T10:00:00Z')))!.month).toBe('2027-12');
  });

  it('go out exactly once when several jobs cross a threshold at the same moment on different processes', async () => {
    const user = await createUser(t);
    const dataset = rawId(await readyDataset(t, user.token));
    await spend(user.id, '45');
    await setBudget(user, { amountUsd: '100' });
    // Four running jobs on 2× A100-80GB (7 USD an hour), each about 9.14 USD in: together past 50 % and 80 %.
    const startedAt = new Date(Date.now() - 4700_000);
    const jobs = await Promise.all(oneToN(4).map(() => db.trainingJob.create({ data: { ...jobRow(user.id, dataset, 'RUNNING'), startedAt, estimatedCost: '20' } })));
    const folder = mkdtempSync(path.join(os.tmpdir(), 'budget-pollers-'));
    const running = Promise.all(jobs.map((job) => procs.runToExit(['test/integration/costs/budget-poller.ts', job.id, folder], { DATABASE_URL: procs.databaseUrl })));
    await until('every process connected', async () => readdirSync(folder).length === jobs.length, 60_000, 20);
    writeFileSync(path.join(folder, 'go'), '');
    const runs = await running;
    rmSync(folder, { recursive: true });
    for (const run of runs) expect(run.status.code, run.lines.join('\n')).toBe(0);
    // They really did it together: every process applied the budget within a moment of the others.
    const at = runs.map((r) => JSON.parse(r.lines.find((l) => l.startsWith('{'))!).at as number);
    expect(Math.max(...at) - Math.min(...at)).toBeLessThan(500);
    const month = (await budgetStatus(user.id))!.month;
    expect(await alerts(user.id)).toEqual([budgetAlertKey(month, 50), budgetAlertKey(month, 80)]);
    // Every job's accrual landed.
    const records = await db.costRecord.count({ where: { jobId: { in: jobs.map((j) => j.id) } } });
    expect(records).toBe(4);
  });
});

describe('the hard stop', () => {
  it('refuses a job that could cross the budget, with the amounts; a cost cap under what is left lets it through', async () => {
    const user = await createUser(t);
    const datasetId = await readyDataset(t, user.token);
    await spend(user.id, '10');
    await setBudget(user, { amountUsd: '10.05', hardStop: true });
    const res = await t.gqlData(CREATE_JOB_OVER_BUDGET, { input: { datasetId, presetId: 'quality', gpu: { type: 'H100-80GB', count: 8 } } }, user.token);
    const refused = ofType(res.createTrainingJob, 'BudgetExceededError');
    expect(refused).toMatchObject({ budget: '10.050000', spent: '10.000000', committed: '0.000000', remaining: '0.050000' });
    expect(usdToMicros(refused.jobCost)).toBeGreaterThan(50_000n);
    expect(refused.message).toContain('only 0.05 USD is left of your 10.05 USD budget');
    expect(await db.trainingJob.count({ where: { ownerId: user.id } })).toBe(0);
    const capped = await createJob(t, user.token, { datasetId, presetId: 'quality', gpu: { type: 'H100-80GB', count: 8 }, maxCostUsd: '0.04' });
    expect(capped.__typename).toBe('TrainingJobPayload');
    // Now 0.04 of the 0.05 is committed to it.
    const second = await createJob(t, user.token, { datasetId, presetId: 'quality', gpu: { type: 'H100-80GB', count: 8 }, maxCostUsd: '0.02' });
    expect(second.__typename).toBe('BudgetExceededError');
  });

  it('lets only as many jobs through as fit when several are started at the same moment', async () => {
    const user = await createUser(t);
    const datasetId = await readyDataset(t, user.token);
    await setBudget(user, { amountUsd: '0.05', hardStop: true });
    // Each could cost 0.02: two fit in 0.05, a third does not.
    const answers = await Promise.all(oneToN(5).map(() => createJob(t, user.token, { datasetId, presetId: 'quality', gpu: { type: 'H100-80GB', count: 8 }, maxCostUsd: '0.02' })));
    expect(answers.map((a) => a.__typename).sort()).toEqual(['BudgetExceededError', 'BudgetExceededError', 'BudgetExceededError', 'TrainingJobPayload', 'TrainingJobPayload']);
    expect(await db.trainingJob.count({ where: { ownerId: user.id } })).toBe(2);
  });

  it('stops a running job when the month reaches the budget, as the cost cap does, with exact cost records', async () => {
    const user = await createUser(t);
    const datasetId = await readyDataset(t, user.token);
    // 20 epochs: a run of about 20 s, so the stop, about 2 s in, lands well before the end on a busy machine.
    const created = await createJob(t, user.token, { datasetId, presetId: 'quality', name: 'budget stop', gpu: { type: 'H100-80GB', count: 8 }, hyperparameters: { epochs: 20 } });
    const id = created.trainingJob.id;
    await wsCollect(t.ws(user.token), BUDGET_JOB_UPDATED, { id }, (r) => ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'].includes(r.at(-1)?.trainingJobUpdated.status ?? ''));
    // About two seconds more of 8× H100 (33.60 USD an hour) reaches it.
    const now = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(id) } });
    const soFar = usdToMicros(now.currentCost.toFixed(6));
    const amount = microsToUsd(soFar + 20_000n);
    await setBudget(user, { amountUsd: amount, hardStop: true });
    const last = (await followJob(t, user.token, id)).at(-1);
    expect(last).toMatchObject({ status: 'CANCELLED', errorCode: 'BUDGET_REACHED', costCapReachedAt: null });
    const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(id) } });
    const records = await db.costRecord.findMany({ where: { jobId: job.id } });
    const sum = records.reduce((acc, r) => acc + usdToMicros(r.amount.toFixed(6)), 0n);
    expect(sum).toBe(usdToMicros(job.finalCost!.toFixed(6)));
    // Stopped at the budget: past it, by no more than the seconds the stop takes at the provider.
    expect(sum).toBeGreaterThanOrEqual(usdToMicros(amount));
    expect(sum - usdToMicros(amount)).toBeLessThan(40_000n);
    const events = await db.trainingJobEvent.findMany({ where: { jobId: job.id }, orderBy: { createdAt: 'asc' } });
    expect(events.map((e) => e.message)).toEqual(expect.arrayContaining(['Monthly budget reached: stopping the job', 'Stopped at the monthly budget']));
    const notices = await db.notification.findMany({ where: { ownerId: user.id, type: { in: ['BUDGET_REACHED', 'BUDGET_THRESHOLD'] } } });
    expect(notices.filter((n) => n.type === 'BUDGET_REACHED').map((n) => n.dedupeKey)).toEqual([`job:${job.id}:BUDGET_REACHED`]);
    expect(notices.filter((n) => n.type === 'BUDGET_THRESHOLD').length).toBe(3);
  });
});
