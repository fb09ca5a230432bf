// Work that stopped moving ends in a clear state with a notification: a validation still running after every
// attempt could have expired, and a model whose copy never finished after every attempt could have.
import { describe, expect, it } from 'vitest';
import { db, pool } from '../../../server/db/client.js';
import { ARTIFACT_GIVE_UP_SECONDS } from '../../../server/artifacts/create-model-artifact.js';
import { VALIDATION_GIVE_UP_SECONDS } from '../../../server/datasets/validate-uploaded-dataset.js';
import { endStuckWorkJob } from '../../../server/queue/definitions.js';
import { endStuckWorkWorker } from '../../../server/workers/end-stuck-work.js';
import { useTestApp } from '../../helpers/app.js';
import { useUser } from '../../helpers/factories.js';
import { rawId, until } from '../../helpers/processes.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';

const t = useTestApp();
const alice = useUser(t);

const run = () => endStuckWorkWorker.handle({}, { services: t.app.services, log: t.app.services.log, jobId: 'test', retryCount: 0, signal: new AbortController().signal });

describe('stuck work', () => {
  it('ends a validation that stopped moving: INVALID with the reason, and the owner told', async () => {
    const [stuck, fresh] = [rawId(await readyDataset(t, alice.token, 12)), rawId(await readyDataset(t, alice.token, 12))];
    // Back to VALIDATING, as if the queue job had been lost: one long ago, one just now.
    await pool.query(`UPDATE "Dataset" SET status = 'VALIDATING', "updatedAt" = now() - make_interval(secs => $2) WHERE id = $1`, [stuck, VALIDATION_GIVE_UP_SECONDS + 60]);
    await pool.query(`UPDATE "Dataset" SET status = 'VALIDATING', "updatedAt" = now() WHERE id = $1`, [fresh]);
    await db.notification.deleteMany({ where: { ownerId: alice.id } });

    await run();
    const ended = await db.dataset.findUniqueOrThrow({ where: { id: stuck } });
    expect(ended.status).toBe('INVALID');
    expect((ended.validation as { issues: unknown[] }).issues[0]).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/did not finish within 5 hours/) });
    expect((await db.dataset.findUniqueOrThrow({ where: { id: fresh } })).status).toBe('VALIDATING');
    const notes = await db.notification.findMany({ where: { ownerId: alice.id, type: 'DATASET_INVALID' } });
    expect(notes.map((n) => (n.metadata as { datasetId: string }).datasetId)).toEqual([stuck]);
    // Once: a second pass changes nothing.
    await run();
    expect(await db.notification.count({ where: { ownerId: alice.id, type: 'DATASET_INVALID' } })).toBe(1);
  });

  it('fails a model whose copy never finished, and tells the owner', async () => {
    const datasetId = await readyDataset(t, alice.token, 12);
    const created = await createJob(t, alice.token, { datasetId, name: 'copy lost', hyperparameters: { batchSize: 4, epochs: 1 } });
    const states = await followJob(t, alice.token, created.trainingJob.id);
    expect(states.at(-1).status).toBe('COMPLETED');
    const jobId = rawId(created.trainingJob.id);
    await until('the model to be stored', async () => (await db.modelArtifact.findUnique({ where: { jobId } }))?.status === 'STORED', 20_000);
    // As if the copy had never finished, long ago.
    await pool.query(`UPDATE "ModelArtifact" SET status = 'PENDING' WHERE "jobId" = $1`, [jobId]);
    await pool.query(`UPDATE "TrainingJob" SET "completedAt" = now() - make_interval(secs => $2) WHERE id = $1`, [jobId, ARTIFACT_GIVE_UP_SECONDS + 60]);

    await run();
    const artifact = await db.modelArtifact.findUniqueOrThrow({ where: { jobId } });
    expect(artifact).toMatchObject({ status: 'FAILED', failureReason: expect.stringMatching(/did not finish within 8 hours/) });
    expect(await db.notification.count({ where: { ownerId: alice.id, type: 'ARTIFACT_FAILED', metadata: { path: ['jobId'], equals: jobId } } })).toBe(1);
  });

  it('is scheduled every ten minutes', async () => {
    const schedules = await t.app.services.jobs.boss.getSchedules(endStuckWorkJob.name);
    expect(schedules[0]).toMatchObject({ cron: '*/10 * * * *', timezone: 'UTC' });
  });
});
