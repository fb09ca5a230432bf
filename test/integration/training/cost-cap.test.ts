// The per-job cost cap through the real API, queue and simulated GPU provider: a long run with a tiny cap is
// stopped soon after the cap, the owner is told once, and the job is charged exactly the seconds it ran.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billedSeconds } from '../../../server/costs/compute-cost.js';
import { db } from '../../../server/db/client.js';
import { gpuSecondsMicros, usdToMicros } from '../../../server/costs/money.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let datasetId: string;

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

/** H100-80GB at $4.20 per GPU-hour: 1,166.67 micro-dollars a second, so $0.002 is reached after 1.7 s. */
const CAP = '0.002';
const PER_SECOND = gpuSecondsMicros('H100-80GB', 1, 1); // 1,167 µ$ (rounded half up)
/**
 * How late the stop may come. The poll accrues every POLL_INTERVAL_SECONDS (0.5 s) or sooner when the cap is
 * near; pg-boss hands a due job to a worker within its 0.5 s polling interval, and that happens twice (the poll
 * that sees the cap, then the cancel job that tells the provider); the provider stops at once and the transition
 * settles. A started second is billed. So: 0.5 + 0.5 + 0.5 + 1 (rounding) ≈ 2.5 s past the cap in the worst
 * ordinary case; 5 s leaves room for a loaded 2-core machine while still failing a cap that is only noticed on
 * the next regular poll cycle of a slow setting, or never.
 */
const SLACK_SECONDS = 5;

beforeAll(async () => {
  // One second a step: the quality preset on 40 examples is 5 epochs × 5 steps, a run of about 25 s.
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' }, { stepIntervalMs: 1000 });
  alice = await createUser(t);
  datasetId = await readyDataset(t, alice.token);
});
afterAll(() => t?.stop());

describe('cost cap', () => {
  it('stops a long run soon after its cap: CANCELLED, COST_CAP_REACHED once, charged exactly the seconds it ran', async () => {
    const created = await createJob(t, alice.token, { datasetId, presetId: 'quality', gpu: { type: 'H100-80GB', count: 1 }, maxCostUsd: CAP, name: 'capped' });
    expect(created.__typename).toBe('TrainingJobPayload');
    expect(created.trainingJob.maxCost).toBe('0.002000');
    expect(created.trainingJob.totalSteps).toBe(25);
    // The run would cost far more than the cap: the cap, not the end of the run, must stop it.
    expect(usdToMicros(created.trainingJob.estimatedCost)).toBeGreaterThan(usdToMicros(CAP) * 100n);
    const id = rawId(created.trainingJob.id);

    const started = Date.now();
    const states = await followJob(t, alice.token, created.trainingJob.id, 30_000);
    const last = states.at(-1);
    expect(last.status).toBe('CANCELLED');
    expect(last.errorCode).toBe('COST_CAP_REACHED');
    expect(last.costCapReachedAt).toBeTruthy();
    expect(last.cancelRequestedAt).toBeTruthy();
    // Stopped early, and the provider was told: its job is cancelled too, not left running.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(last.currentStep).toBeLessThan(last.totalSteps);
    const job = await db.trainingJob.findUniqueOrThrow({ where: { id } });
    expect((await t.app.services.gpu.status(job.externalJobId!, 0)).state).toBe('CANCELLED');

    // The cap was reached before the stop was asked for, and the stop came after the cap.
    expect(job.costCapReachedAt!.getTime()).toBeLessThanOrEqual(job.cancelRequestedAt!.getTime());
    expect(job.costCapReachedAt!.getTime() - job.startedAt!.getTime()).toBeGreaterThanOrEqual(1_000);

    // Charged exactly the seconds it ran: billed seconds × $4.20 ÷ 3600 × 1 GPU, to the micro-dollar.
    const seconds = billedSeconds(job.startedAt!, job.completedAt!);
    const finalMicros = usdToMicros(job.finalCost!.toFixed(6));
    expect(finalMicros).toBe(gpuSecondsMicros('H100-80GB', 1, seconds));
    expect(last.finalCost).toBe(job.finalCost!.toFixed(6));
    const records = await db.costRecord.findMany({ where: { jobId: id } });
    expect(records.length).toBeGreaterThanOrEqual(1);
    expect(records.every((r) => r.type === 'TRAINING_COMPUTE' && r.ownerId === alice.id)).toBe(true);
    expect(records.reduce((sum, r) => sum + usdToMicros(r.amount.toFixed(6)), 0n)).toBe(finalMicros);

    // At least the cap (the cap is only reached by running), and not far above it.
    expect(finalMicros).toBeGreaterThanOrEqual(usdToMicros(CAP));
    expect(finalMicros).toBeLessThanOrEqual(usdToMicros(CAP) + BigInt(SLACK_SECONDS) * PER_SECOND);

    // Told once that the cap was reached, and once that the job was cancelled.
    const notes = await db.notification.findMany({ where: { ownerId: alice.id, metadata: { path: ['jobId'], equals: id } } });
    const capNotes = notes.filter((n) => n.type === 'COST_CAP_REACHED');
    expect(capNotes).toHaveLength(1);
    expect(capNotes[0]).toMatchObject({ priority: 'HIGH', link: `/training/jobs/${id}` });
    expect((capNotes[0]!.metadata as { maxCostUsd: string }).maxCostUsd).toBe('0.002000');
    // Money reads as money: "$0.002", not "0.002000 USD".
    expect(capNotes[0]!.message).toMatch(/^It has cost \$0\.00\d of its \$0\.002 cap and is being stopped\.$/);
    expect(notes.filter((n) => n.type === 'JOB_CANCELLED')).toHaveLength(1);
    expect(notes.filter((n) => n.type === 'JOB_COMPLETED' || n.type === 'JOB_FAILED')).toHaveLength(0);

    // The timeline says why it stopped.
    const events = await db.trainingJobEvent.findMany({ where: { jobId: id }, orderBy: { createdAt: 'asc' } });
    expect(events.filter((e) => e.type === 'CANCEL_REQUESTED').map((e) => e.message)).toEqual(['Cost cap reached: stopping the job']);
    expect(events.filter((e) => e.toStatus === 'CANCELLED').map((e) => e.message)).toEqual(['Stopped at the cost cap']);
  });

  it('refuses a cap that is not a positive amount with at most six decimals', async () => {
    for (const maxCostUsd of ['0', '0.0000001']) {
      const res = await createJob(t, alice.token, { datasetId, maxCostUsd });
      expect(res.__typename).toBe('InvalidInputError');
      expect(res.problems.map((p: { path: string[] }) => p.path.join('.'))).toEqual(['maxCostUsd']);
    }
  });
});
