// Which reports count as a sign of life: new steps and new stages always; "still queued" from a provider
// (waiting for a free GPU, which is not billed); a trainer's callback while it starts (a large model loads for
// minutes). A poll that repeats the same step does not: a hung job still times out.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import type { ProviderJobState, ProviderStage } from '../../../server/gpu/provider.js';
import { applyProviderReport } from '../../../server/training/apply-report.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { jobRow, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let datasetId: string;
const HOUR_AGO = () => new Date(Date.now() - 3600_000);

beforeAll(async () => {
  t = await startTestApp();
  alice = await createUser(t);
  datasetId = Buffer.from(await readyDataset(t, alice.token, 12), 'base64')
    .toString()
    .split(':')[1]!;
});
afterAll(() => t?.stop());

async function staleJob(status: 'INITIALIZING' | 'RUNNING', stage: ProviderStage) {
  return db.trainingJob.create({
    data: { ...jobRow(alice.id, datasetId, status), stage, currentStep: 3, externalJobId: `sim-${randomUUID()}`, startedAt: HOUR_AGO(), lastHeartbeatAt: HOUR_AGO() },
  });
}

function report(state: ProviderJobState, stage: ProviderStage, step: number) {
  return { state, stage, step, totalSteps: 10, epoch: 0, points: [], artifacts: [], error: null };
}

async function heartbeatAgeSeconds(id: string): Promise<number> {
  const job = await db.trainingJob.findUniqueOrThrow({ where: { id } });
  return (Date.now() - job.lastHeartbeatAt!.getTime()) / 1000;
}

describe('heartbeat', () => {
  it('counts a provider that says the job is still queued, and bills nothing for the wait', async () => {
    const job = await staleJob('INITIALIZING', 'PROVISIONING');
    await applyProviderReport(t.app.services, job.id, report('QUEUED', 'PROVISIONING', 0));
    expect(await heartbeatAgeSeconds(job.id)).toBeLessThan(60);
    // Compute is billed from startedAt: it moves on while the job waits for a GPU, and stays once it runs.
    const waited = await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(Date.now() - waited.startedAt!.getTime()).toBeLessThan(60_000);
    await applyProviderReport(t.app.services, job.id, report('INITIALIZING', 'LOADING_MODEL', 0));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await applyProviderReport(t.app.services, job.id, report('RUNNING', 'TRAINING', 1));
    const running = await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(running.startedAt).toEqual(waited.startedAt);
  });

  it("counts a trainer's callback while it loads the model, not a poll saying the same", async () => {
    const polled = await staleJob('INITIALIZING', 'LOADING_MODEL');
    await applyProviderReport(t.app.services, polled.id, report('INITIALIZING', 'LOADING_MODEL', 0));
    expect(await heartbeatAgeSeconds(polled.id)).toBeGreaterThan(3000);

    const called = await staleJob('INITIALIZING', 'LOADING_MODEL');
    await applyProviderReport(t.app.services, called.id, report('INITIALIZING', 'LOADING_MODEL', 0), {
      deliveryId: `${called.externalJobId}:1`,
      externalId: called.externalJobId!,
    });
    expect(await heartbeatAgeSeconds(called.id)).toBeLessThan(60);
  });

  it('does not count a running job repeating its step, by poll or callback', async () => {
    const job = await staleJob('RUNNING', 'TRAINING');
    await applyProviderReport(t.app.services, job.id, report('RUNNING', 'TRAINING', 3));
    await applyProviderReport(t.app.services, job.id, report('RUNNING', 'TRAINING', 3), { deliveryId: `${job.externalJobId}:9`, externalId: job.externalJobId! });
    expect(await heartbeatAgeSeconds(job.id)).toBeGreaterThan(3000);
    await applyProviderReport(t.app.services, job.id, report('RUNNING', 'TRAINING', 4));
    expect(await heartbeatAgeSeconds(job.id)).toBeLessThan(60);
  });

  it('moves at most once a second: a report that only adds steps meanwhile leaves it', async () => {
    const job = await staleJob('RUNNING', 'TRAINING');
    const read = () => db.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
    // The rule compares with the database's clock; the heartbeat is set against that clock so a slow run can't cross the second.
    const setHeartbeat = (offset: string) => db.$executeRawUnsafe(`UPDATE "TrainingJob" SET "lastHeartbeatAt" = now() + interval '${offset}' WHERE id = $1`, job.id);
    await applyProviderReport(t.app.services, job.id, report('RUNNING', 'TRAINING', 4));
    expect(Date.now() - (await read()).lastHeartbeatAt!.getTime()).toBeLessThan(60_000);
    await setHeartbeat('30 seconds');
    const young = (await read()).lastHeartbeatAt!.getTime();
    await applyProviderReport(t.app.services, job.id, report('RUNNING', 'TRAINING', 5));
    expect((await read()).lastHeartbeatAt!.getTime()).toBe(young);
    expect((await read()).currentStep).toBe(5);
    await setHeartbeat('-2 seconds');
    const old = (await read()).lastHeartbeatAt!.getTime();
    await applyProviderReport(t.app.services, job.id, report('RUNNING', 'TRAINING', 6));
    expect((await read()).lastHeartbeatAt!.getTime()).toBeGreaterThan(old);
  });
});
