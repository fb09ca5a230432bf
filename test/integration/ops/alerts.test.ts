// Each alert in docs/OPERATIONS.md's table, made to fire: the system is driven
// into the condition and the series the alert reads crosses its threshold.
// Where the alert needs rate(), deriv() or histogram_quantile(), the test shows
// the series under it moving. Elsewhere: identity provider failing
// (security/jwt.test.ts), subscription count spike (ops/metrics.test.ts),
// database unreachable (process/database-restart.test.ts, /healthz); the disk
// alert reads the node exporter's metric, not ours.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signCallbackToken } from '../../../server/auth/tokens.js';
import { db, pool } from '../../../server/db/client.js';
import { ProviderRejectedError, ProviderUnavailableError } from '../../../server/gpu/provider.js';
import { defineJob, implementJob } from '../../../server/queue/define.js';
import { startTestApp, wsCollect, type TestApp } from '../../helpers/app.js';
import { createUser } from '../../helpers/factories.js';
import { scrape, sample } from '../../helpers/metrics.js';
import { createJob, jobRow, readyDataset } from '../../helpers/training.js';
import { graphql } from '../../gql/index.js';

const METRICS = graphql(`
  subscription AlertsTrainingMetrics($jobId: ID!) {
    trainingMetrics(jobId: $jobId) { lastStep }
  }
`);

/** No workers and no GPU provider to reach: queues fill up, provider calls fail. */
let api: TestApp;
/** Workers and a simulated provider: a training job runs. */
let live: TestApp;
/** Its queue supervisor gets stopped. */
let held: TestApp;
/** Its pubsub connection gets cut. */
let events: TestApp;
/** The backends of `events`' LISTEN connection. */
let eventListeners: number[];

const noWorkers = { ROLE: 'api', SIMULATED_GPU_URL: 'http://127.0.0.1:9' };
const listeners = async () => (await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'brightrun-events'`)).rows.map((r) => r.pid);

// Apps of one test process share the database pool: all start here and stop together.
beforeAll(async () => {
  [api, live, held] = await Promise.all([startTestApp(noWorkers), startTestApp(), startTestApp(noWorkers)]);
  const before = new Set(await listeners());
  events = await startTestApp(noWorkers);
  // The listener that was not there before (one that another test file started meanwhile would reconnect too).
  eventListeners = (await listeners()).filter((pid) => !before.has(pid));
});
afterAll(() => Promise.all([api, live, held, events].map((app) => app?.stop())));

/** A job kind of the test's own, so no other code takes or counts its jobs. */
function testKind(handle: () => Promise<void>, queue = {}) {
  const kind = defineJob({ name: `test-alert-${randomUUID().slice(0, 8)}`, payload: z.object({ n: z.number() }), queue: { retryLimit: 0, ...queue } });
  return Object.assign(kind, { worker: implementJob(kind, handle) });
}

const callback = (app: TestApp, headers: Record<string, string>, body: unknown) =>
  fetch(`${app.url}/webhooks/gpu/simulated`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('alerts fire', () => {
  it('Queue backing up: over 20 jobs queued, and jobs that waited over a minute', async () => {
    let ran = 0;
    const kind = testKind(async () => void ran++);
    const { jobs, config } = api.app.services;
    await jobs.createQueues([kind]);
    for (let n = 0; n < 21; n++) await jobs.enqueue(kind, { n });
    // pg-boss recounts on its monitor pass (every few seconds here).
    await expect.poll(async () => sample(await scrape(api), 'brightrun_queue_jobs', { queue: kind.name, state: 'queued' }), { timeout: 30_000, interval: 500 }).toBeGreaterThan(20);

    // Due two minutes ago: a worker that takes them now finds them waiting that long.
    await pool.query(
      `UPDATE ${config.database.queueSchema}.job SET created_on = created_on - interval '2 minutes', start_after = start_after - interval '2 minutes' WHERE name = $1`,
      [kind.name],
    );
    await jobs.work([kind.worker], api.app.services);
    await expect.poll(() => ran, { timeout: 30_000 }).toBe(21);
    const samples = await scrape(api);
    expect(sample(samples, 'brightrun_queue_job_wait_seconds_count', { queue: kind.name })).toBe(21);
    expect(sample(samples, 'brightrun_queue_job_wait_seconds_bucket', { queue: kind.name, le: '60' })).toBe(0);
    expect(sample(samples, 'brightrun_queue_job_duration_seconds_count', { queue: kind.name, outcome: 'completed' })).toBe(21);
  });

  it('Queue jobs failing: the failed count grows', async () => {
    const kind = testKind(async () => {
      throw new Error('fails on purpose');
    });
    const { jobs } = api.app.services;
    await jobs.createQueues([kind]);
    await jobs.work([kind.worker], api.app.services);
    await jobs.enqueue(kind, { n: 1 });
    await expect.poll(async () => sample(await scrape(api), 'brightrun_queue_jobs', { queue: kind.name, state: 'failed' }), { timeout: 30_000, interval: 500 }).toBe(1);
    expect(sample(await scrape(api), 'brightrun_queue_job_duration_seconds_count', { queue: kind.name, outcome: 'failed' })).toBe(1);
  });

  it('Work held by a dead worker: an active job past its heartbeat that nothing releases', async () => {
    const kind = testKind(async () => {}, { heartbeatSeconds: 10 });
    const { jobs, config } = held.app.services;
    await jobs.createQueues([kind]);
    await jobs.enqueue(kind, { n: 1 });
    // A worker takes the job and dies; with the only supervisor of these queues stopped too, nothing fails it.
    expect(await jobs.boss.fetch(kind.name)).toHaveLength(1);
    await jobs.boss.stop({ close: false, graceful: false });
    expect(sample(await scrape(held), 'brightrun_queue_jobs_overdue', { queue: kind.name })).toBe(0);
    await pool.query(`UPDATE ${config.database.queueSchema}.job SET heartbeat_on = heartbeat_on - interval '1 minute' WHERE name = $1`, [kind.name]);
    expect(sample(await scrape(held), 'brightrun_queue_jobs_overdue', { queue: kind.name })).toBe(1);
  });

  it('Jobs stuck: a RUNNING job quiet for longer than the heartbeat timeout', async () => {
    const owner = await createUser(api);
    const dataset = await db.dataset.create({
      data: {
        ownerId: owner.id,
        name: 'stuck',
        baseModelId: 'm',
        fileName: 'train.jsonl',
        fileSize: 1n,
        contentType: 'application/jsonl',
        storagePath: `${owner.id}/${randomUUID()}`,
        status: 'READY',
      },
    });
    const before = sample(await scrape(api), 'brightrun_training_jobs', { status: 'RUNNING' });
    const quietFor = 10 * 86_400;
    await db.trainingJob.create({ data: { ...jobRow(owner.id, dataset.id, 'RUNNING'), lastHeartbeatAt: new Date(Date.now() - quietFor * 1000) } });
    const samples = await scrape(api);
    expect(sample(samples, 'brightrun_training_jobs', { status: 'RUNNING' })).toBeGreaterThanOrEqual(before + 1);
    expect(sample(samples, 'brightrun_training_jobs_quiet_seconds', { status: 'RUNNING' })).toBeGreaterThanOrEqual(quietFor);
    expect(sample(samples, 'brightrun_datasets', { status: 'READY' })).toBeGreaterThanOrEqual(1);
  });

  it('GPU provider failing: failed calls counted by provider, operation and kind', async () => {
    const unavailable = { provider: 'simulated', operation: 'status', kind: 'unavailable' };
    const rejected = { provider: 'simulated', operation: 'cancel', kind: 'rejected' };
    await expect(api.app.services.gpu.status('any', 0)).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(live.app.services.gpu.cancel('no-such-job')).rejects.toBeInstanceOf(ProviderRejectedError);
    expect(sample(await scrape(api), 'brightrun_gpu_provider_errors_total', unavailable)).toBe(1);
    expect(sample(await scrape(live), 'brightrun_gpu_provider_errors_total', rejected)).toBe(1);
  });

  it('Webhook 401s, callback ingestion errors and server errors: callbacks answered 401, 400 and 500', async () => {
    const count = async (status: string) => sample(await scrape(api), 'brightrun_http_request_duration_seconds_count', { route: 'webhook', status });
    const before = { 401: await count('401'), 400: await count('400'), 500: await count('500') };
    const token = { 'x-callback-token': await signCallbackToken(api.app.services.secret, randomUUID(), 600) };
    expect((await callback(api, {}, {})).status).toBe(401);
    expect((await callback(api, token, { not: 'a callback' })).status).toBe(400);
    const services = api.app.services;
    const gpu = services.gpu;
    services.gpu = {
      ...gpu,
      parseCallback: () => {
        throw new Error('an unexpected bug');
      },
    };
    try {
      expect((await callback(api, token, {})).status).toBe(500);
    } finally {
      services.gpu = gpu;
    }
    expect({ 401: await count('401'), 400: await count('400'), 500: await count('500') }).toEqual({ 401: before[401] + 1, 400: before[400] + 1, 500: before[500] + 1 });
  });

  it('Pubsub reconnecting: the LISTEN connection lost and back', async () => {
    expect(eventListeners.length).toBeGreaterThanOrEqual(1);
    expect(sample(await scrape(events), 'brightrun_pubsub_reconnects_total')).toBe(0);
    await pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [eventListeners]);
    await expect.poll(async () => sample(await scrape(events), 'brightrun_pubsub_reconnects_total'), { timeout: 15_000, interval: 250 }).toBe(1);
  });

  it('Metric points slow to reach subscribers: each callback with new points is timed to the push', async () => {
    const user = await createUser(live);
    const datasetId = await readyDataset(live, user.token);
    const { trainingJob } = await createJob(live, user.token, { datasetId, name: 'timed' });
    await wsCollect(live.ws(user.token), METRICS, { jobId: trainingJob.id }, (r) => r.length >= 3, 60_000);
    const samples = await scrape(live);
    const timed = sample(samples, 'brightrun_metric_push_delay_seconds_count');
    expect(timed).toBeGreaterThanOrEqual(1);
    expect(sample(samples, 'brightrun_metric_push_delay_seconds_bucket', { le: '+Inf' })).toBe(timed);
  }, 90_000);
});
