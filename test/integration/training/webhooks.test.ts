// GPU callbacks are accepted only with the job's own, unexpired token, and a
// replay for a finished job changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { CALLBACK_AUDIENCE, LOCAL_ISSUER, signCallbackToken } from '../../../server/auth/tokens.js';
import { db, pool } from '../../../server/db/client.js';
import { applyProviderReport } from '../../../server/training/apply-report.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { until } from '../../helpers/processes.js';
import { createJob, followJob, jobRow, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let finished: { id: string; externalJobId: string };
let other: { id: string; externalJobId: string };
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

beforeAll(async () => {
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' });
  alice = await createUser(t);
  const datasetId = await readyDataset(t, alice.token);
  const a = await createJob(t, alice.token, { datasetId, name: 'finished' });
  const b = await createJob(t, alice.token, { datasetId, name: 'other' });
  await Promise.all([followJob(t, alice.token, a.trainingJob.id), followJob(t, alice.token, b.trainingJob.id)]);
  const load = async (gid: string) => {
    const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(gid) } });
    return { id: job.id, externalJobId: job.externalJobId! };
  };
  finished = await load(a.trainingJob.id);
  other = await load(b.trainingJob.id);
});
afterAll(() => t?.stop());

function event(job: { id: string; externalJobId: string }, step: number, deliveryId = `forged-${step}-${Math.random()}`) {
  return {
    deliveryId,
    externalId: job.externalJobId,
    jobId: job.id,
    state: 'RUNNING',
    stage: 'TRAINING',
    step,
    totalSteps: 100000,
    epoch: 1,
    points: [
      {
        step,
        epoch: 1,
        trainingLoss: 9.9,
        validationLoss: null,
        learningRate: 1e-4,
        gradNorm: 1,
        throughput: 1000,
        tokensTrained: 1,
        gpuUtilization: 0.9,
        recordedAt: new Date().toISOString(),
      },
    ],
    artifacts: [],
    error: null,
    sentAt: new Date().toISOString(),
  };
}

async function post(body: unknown, token?: string) {
  const res = await fetch(`${t.url}/webhooks/gpu/simulated`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-callback-token': token } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
}

async function snapshot(jobId: string) {
  const job = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
  return { points: await db.metricPoint.count({ where: { jobId } }), status: job.status, currentStep: job.currentStep, updatedAt: job.updatedAt.getTime() };
}

describe('GPU callbacks', () => {
  it('rejects a callback without a token', async () => {
    expect((await post(event(finished, 99999))).status).toBe(401);
  });

  it('rejects a forged token (signed with another key)', async () => {
    const forged = await signCallbackToken('not-the-server-secret-but-long-enough-1234', finished.id, 600);
    expect((await post(event(finished, 99999), forged)).status).toBe(401);
  });

  it('rejects an expired token', async () => {
    const expired = await signCallbackToken(t.app.services.secret, finished.id, -60);
    const res = await post(event(finished, 99999), expired);
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_EXPIRED' } } });
  });

  it('rejects a token without an expiry', async () => {
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(CALLBACK_AUDIENCE)
      .setSubject(finished.id)
      .sign(new TextEncoder().encode(t.app.services.secret));
    expect((await post(event(finished, 99999), forever)).status).toBe(401);
  });

  it('remembers a verified token only until it expires', async () => {
    const token = await signCallbackToken(t.app.services.secret, finished.id, 2);
    // Accepted (the job has ended, so the callback itself is refused with 409, not 401).
    expect((await post(event(finished, 99999), token)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 3100));
    expect(await post(event(finished, 99999), token)).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_EXPIRED' } } });
  });

  it('rejects a token for another job, changing nothing', async () => {
    const before = await snapshot(other.id);
    const tokenForFinished = await signCallbackToken(t.app.services.secret, finished.id, 600);
    expect((await post(event(other, 99999), tokenForFinished)).status).toBe(403);
    expect(await snapshot(other.id)).toEqual(before);
  });

  it('rejects a replay for a finished job, changing nothing', async () => {
    const before = await snapshot(finished.id);
    const token = await signCallbackToken(t.app.services.secret, finished.id, 600);
    const res = await post(event(finished, 99999), token);
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'JOB_FINISHED' } } });
    expect(await snapshot(finished.id)).toEqual(before);
  });

  it('rejects a malformed body with 400', async () => {
    const token = await signCallbackToken(t.app.services.secret, finished.id, 600);
    expect((await post('{not json', token)).status).toBe(400);
    expect((await post({ hello: 'world' }, token)).status).toBe(400);
  });
});

describe('callbacks with values out of range', () => {
  it('answers 400 (not 500, which providers retry) and stores nothing', async () => {
    const datasetId = rawId(await readyDataset(t, alice.token, 12));
    const row = await db.trainingJob.create({ data: { ...jobRow(alice.id, datasetId, 'RUNNING'), externalJobId: `sim-${Math.random()}` } });
    const running = { id: row.id, externalJobId: row.externalJobId! };
    const token = await signCallbackToken(t.app.services.secret, running.id, 600);
    const withPoint = (change: object) => {
      const body = event(running, 5);
      return { ...body, points: [{ ...body.points[0], ...change }] };
    };
    for (const body of [
      event(running, 2 ** 31),
      { ...event(running, 5), totalSteps: 2 ** 40 },
      withPoint({ step: 2 ** 31 }),
      withPoint({ tokensTrained: 1.5 }),
      withPoint({ tokensTrained: 2 ** 60 }),
      withPoint({ recordedAt: 'yesterday' }),
      withPoint({ gpuUtilization: 93 }),
      { ...event(running, 5), epoch: 1e300 },
    ]) {
      const res = await post(body, token);
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(res.body.error.code).toBe('INVALID_CALLBACK');
    }
    expect(await db.metricPoint.count({ where: { jobId: running.id } })).toBe(0);
    // A well-formed one still lands.
    expect((await post(event(running, 5), token)).status).toBe(200);
  });

  it('answers an oversized body 413 and closes cleanly', async () => {
    const token = await signCallbackToken(t.app.services.secret, finished.id, 600);
    const res = await fetch(`${t.url}/webhooks/gpu/simulated`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-callback-token': token },
      body: `{"pad": "${'x'.repeat(6 * 1024 * 1024)}"}`,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOO_LARGE');
  });
});

describe('callbacks arriving together', () => {
  it('for many jobs, each delivered twice and out of order: every point stored once, each job at its last step, a finished job refused', async () => {
    const datasetId = rawId(await readyDataset(t, alice.token, 12));
    const jobs = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const row = await db.trainingJob.create({ data: { ...jobRow(alice.id, datasetId, 'RUNNING'), externalJobId: `sim-${Math.random()}` } });
        return { id: row.id, externalJobId: row.externalJobId!, token: await signCallbackToken(t.app.services.secret, row.id, 600) };
      }),
    );
    const sends = jobs.flatMap((job) => Array.from({ length: 10 }, (_, s) => ({ job, body: event(job, s + 1, `together-${job.id}-${s + 1}`) })));
    const twice = [...sends, ...sends].sort(() => Math.random() - 0.5);
    const finishedToken = await signCallbackToken(t.app.services.secret, finished.id, 600);
    const [refused, ...answers] = await Promise.all([post(event(finished, 99999), finishedToken), ...twice.map(({ job, body }) => post(body, job.token))]);

    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'JOB_FINISHED' } } });
    expect(answers.map((a) => a.status)).toEqual(twice.map(() => 200));
    for (const job of jobs) {
      const points = await db.metricPoint.findMany({ where: { jobId: job.id }, select: { step: true }, orderBy: { step: 'asc' } });
      expect(points.map((p) => p.step)).toEqual(Array.from({ length: 10 }, (_, s) => s + 1));
      expect(await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: 'RUNNING', currentStep: 10 });
      expect(await db.webhookReceipt.count({ where: { jobId: job.id } })).toBe(10);
    }
  });

  it('a report PostgreSQL refuses fails alone: the reports applied with it still land', async () => {
    const datasetId = rawId(await readyDataset(t, alice.token, 12));
    const jobs = await Promise.all(
      Array.from({ length: 10 }, async () => db.trainingJob.create({ data: { ...jobRow(alice.id, datasetId, 'RUNNING'), externalJobId: `sim-${Math.random()}` } })),
    );
    const report = (job: { id: string; externalJobId: string }) => {
      const body = event(job, 3);
      return { state: 'RUNNING' as const, stage: 'TRAINING' as const, step: 3, totalSteps: body.totalSteps, epoch: 1, points: body.points, artifacts: [], error: null };
    };
    // Not a uuid: the statement that carries it fails.
    const bad = { id: 'not-a-uuid', externalJobId: 'sim-bad' };
    const results = await Promise.allSettled(
      [...jobs, bad].map((job) =>
        applyProviderReport(t.app.services, job.id, report(job as { id: string; externalJobId: string }), { deliveryId: `alone-${job.id}`, externalId: job.externalJobId! }),
      ),
    );
    expect(results.at(-1)!.status).toBe('rejected');
    expect(results.slice(0, -1)).toEqual(jobs.map(() => ({ status: 'fulfilled', value: { kind: 'applied' } })));
    for (const job of jobs) expect(await db.metricPoint.count({ where: { jobId: job.id } })).toBe(1);
  });
});

describe('one job with several reports in flight', () => {
  /** Backends waiting, directly or behind another waiter, for the lock `pid` holds. */
  async function waitingBehind(pid: number): Promise<number> {
    const { rows } = await pool.query<{ n: number }>(
      `WITH RECURSIVE blocked(pid) AS (
         SELECT pid FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))
         UNION SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY(pg_blocking_pids(a.pid)))
       SELECT count(*)::int AS n FROM blocked`,
      [pid],
    );
    return rows[0]!.n;
  }

  /** Holds the job's row locked while `during` runs, so the reports' statements wait at it; commits after. */
  async function withJobLocked(jobId: string, during: (lockerPid: number) => Promise<void>): Promise<void> {
    const locker = await pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM "TrainingJob" WHERE id = $1 FOR UPDATE`, [jobId]);
      const { rows } = await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await during(rows[0]!.pid);
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
  }

  async function runningJob() {
    const datasetId = rawId(await readyDataset(t, alice.token, 12));
    const row = await db.trainingJob.create({ data: { ...jobRow(alice.id, datasetId, 'RUNNING'), externalJobId: `sim-${Math.random()}` } });
    return { id: row.id, externalJobId: row.externalJobId! };
  }

  function apply(job: { id: string; externalJobId: string }, step: number, stage: 'TRAINING' | 'EVALUATING', order: number[]) {
    const { points, totalSteps } = event(job, step);
    const report = { state: 'RUNNING' as const, stage, step, totalSteps, epoch: 1, points, artifacts: [], error: null };
    return applyProviderReport(t.app.services, job.id, report, { deliveryId: `in-flight-${job.id}-${step}`, externalId: job.externalJobId }).then((outcome) => {
      order.push(step);
      return outcome;
    });
  }

  it('callbacks whose order cannot matter go at once, and still resolve in the order they came', async () => {
    const job = await runningJob();
    const resolved: number[] = [];
    let applied: Promise<unknown[]> = Promise.resolve([]);
    await withJobLocked(job.id, async (pid) => {
      applied = Promise.all([1, 2, 3].map((step) => apply(job, step, 'TRAINING', resolved)));
      // All three statements reached the job's row: none waited in the server for another.
      await until('three statements at the job row', async () => (await waitingBehind(pid)) === 3, 10_000, 20);
    });
    expect(await applied).toEqual([1, 2, 3].map(() => ({ kind: 'applied' })));
    expect(resolved).toEqual([1, 2, 3]);
    const points = await db.metricPoint.findMany({ where: { jobId: job.id }, select: { step: true }, orderBy: { step: 'asc' } });
    expect(points.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ currentStep: 3, stage: 'TRAINING' });
  });

  it('a callback whose order matters (another stage) waits for the one in flight, so the later stage wins', async () => {
    const job = await runningJob();
    const resolved: number[] = [];
    let applied: Promise<unknown[]> = Promise.resolve([]);
    await withJobLocked(job.id, async (pid) => {
      applied = Promise.all([apply(job, 1, 'EVALUATING', resolved), apply(job, 2, 'TRAINING', resolved)]);
      await until('one statement at the job row', async () => (await waitingBehind(pid)) === 1, 10_000, 20);
      await new Promise((r) => setTimeout(r, 300));
      expect(await waitingBehind(pid)).toBe(1);
    });
    expect(await applied).toEqual([{ kind: 'applied' }, { kind: 'applied' }]);
    expect(resolved).toEqual([1, 2]);
    expect(await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ currentStep: 2, stage: 'TRAINING' });
  });
});
