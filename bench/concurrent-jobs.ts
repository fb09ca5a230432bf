// Many training jobs at once, each beside a baseline doing the same work in the same run: N jobs each post one
// metric point per callback at POINTS_PER_SECOND through the real callback route (signed token, the ingest
// statement, pubsub), with one graphql-ws subscriber per job; SILENT_SHARE more jobs never call back, so only their
// polls move them. Reported: points lost or duplicated at the subscribers, callback → subscriber latency, polls per
// second and the worst gap between two polls of a silent job beside POLL_INTERVAL_SECONDS.
// The baseline: a bare http + ws server that, for each of the same callbacks, runs the same points' INSERT … ON
// CONFLICT DO NOTHING on its own pg pool (same table, same database) and, once it committed, sends the point as one
// frame to that job's socket: the least a push of a stored point can cost. Its subscribers open as ours do
// (connection_init, then the subscribe: see acknowledgeInit).
// The provider (the senders) and the subscribers each run in a worker thread of their own, so the server's event
// loop does only the server's work, as in a deployment; the baseline's clients are the same two threads.
// The provider's status answers come from the senders' record (shared memory, no HTTP), so polls/s is our side.
// `npm run bench -- concurrent-jobs:50` runs the 50-job row, `concurrent-jobs:200` the 200-job one.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';
import { signCallbackToken, signLocalUserToken } from '../server/auth/tokens.js';
import type { ProviderMetricPoint, ProviderStatus } from '../server/gpu/provider.js';
import { INSERT_POINT_COLUMNS, pointRowsFromJson } from '../server/metrics/metric-store.js';
import { schedulePoll } from '../server/training/poll-provider.js';
import { startBenchStack } from './lib/stack.js';
import type { SendCommand, SenderJob, SendResult } from './lib/callback-senders.js';
import type { FleetCommand, FleetResult } from './lib/subscriber-fleet.js';
import {
  acknowledgeInit,
  type BenchJob,
  closeBareServer,
  Fleet,
  globalId,
  insertDataset,
  insertRunningJobs,
  percentiles,
  pointsFrom,
  postJson,
  row,
  SUBSCRIPTION,
  sleep,
  until,
} from './metrics.js';
import type { BenchRow } from './report.js';

const JOB_COUNTS = [50, 200];
const POINTS_PER_SECOND = 4;
/** Steps each job sends: 20 s at 4 points/s; the first WARM_UP steps (2 s) are not counted. */
const STEPS = 80;
const WARM_UP = 8;
const LATENCY_P99_TARGET_MS = 100;
/** Jobs that never call back, beside the N that do (a tenth as many). */
const SILENT_SHARE = 0.1;
const POLL_INTERVAL_SECONDS = 2;

interface RunResult {
  p50: number;
  p99: number;
  samples: number;
  missing: number;
  duplicates: number;
  errors: number;
  firstError: string | null;
}

export async function runConcurrentJobsBench(parts?: string[]): Promise<BenchRow[]> {
  const counts = parts ? parts.map(Number) : JOB_COUNTS;
  const unknown = counts.filter((n) => !JOB_COUNTS.includes(n));
  if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')}; parts: ${JOB_COUNTS.join(', ')}`);
  const rows: BenchRow[] = [];
  for (const count of counts) rows.push(...(await measure(count)));
  return rows;
}

/** One row set: a fresh stack (fsync on), N sending jobs with a subscriber each, silent jobs polled, then the baseline. */
async function measure(count: number): Promise<BenchRow[]> {
  const loadAtStart = os.loadavg()[0]!;
  const stack = await startBenchStack('concurrent', { durable: true, env: { POLL_INTERVAL_SECONDS: String(POLL_INTERVAL_SECONDS) } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const fleet = new Fleet();
  const senders = new Senders();
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  let bare: BareServer | null = null;
  try {
    const { app, url } = stack;
    const services = app.services;
    await client.connect();
    const email = `bench-concurrent-${randomUUID()}@bench.brightrun.dev`;
    const userToken = await signLocalUserToken(services.secret, { sub: `local:${email}`, email });
    const me = await postJson<{ me: { id: string } }>(agent, `${url}/graphql`, { query: '{ me { id } }' }, { authorization: `Bearer ${userToken}` });
    const ownerId = Buffer.from(me.data.me.id, 'base64').toString().split(':')[1]!;
    const datasetId = await insertDataset(client, ownerId);
    const silentCount = Math.max(1, Math.round(count * SILENT_SHARE));
    const made = await insertRunningJobs(client, ownerId, datasetId, count + silentCount);
    const jobs: BenchJob[] = await Promise.all(made.map(async (job) => ({ ...job, token: await signCallbackToken(services.secret, job.id, 3600) })));
    const sending = jobs.slice(0, count);
    const silent = jobs.slice(count);

    // The provider as polls see it: a sender's job is where its callbacks got to; a silent job moved on a step
    // since it was last asked (its callbacks are lost, so only the poll stores its points).
    const answered = new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT);
    const sentStep = new Int32Array(answered);
    const sendingIndex = new Map<string, number>(sending.map((j, i) => [j.externalId, i]));
    const silentStep = new Map<string, number>(silent.map((j) => [j.externalId, 0]));
    const polledAt = new Map<string, number[]>(jobs.map((j) => [j.externalId, []]));
    services.gpu.status = async (externalId: string): Promise<ProviderStatus> => {
      polledAt.get(externalId)?.push(performance.now());
      const moved = silentStep.has(externalId) ? silentStep.get(externalId)! + 1 : null;
      if (moved !== null) silentStep.set(externalId, moved);
      const index = sendingIndex.get(externalId);
      const step = moved ?? (index === undefined ? 0 : Atomics.load(sentStep, index));
      const points = moved !== null ? pointsFrom(moved, 1) : [];
      return {
        externalId,
        state: 'RUNNING',
        stage: 'TRAINING',
        step,
        totalSteps: 1_000_000,
        epoch: 0,
        totalEpochs: 3,
        points,
        artifacts: [],
        error: null,
        startedAt: null,
        finishedAt: null,
      };
    };
    // Each job's poll chain starts at a random point of one interval, as jobs started at different times would.
    for (const job of jobs) await schedulePoll(services, job.id, Math.random() * POLL_INTERVAL_SECONDS);

    const pollsFrom = performance.now();
    const busyFrom = performance.eventLoopUtilization();
    const subscribers = {
      cmd: 'open',
      url: `${url.replace('http', 'ws')}/graphql`,
      count,
      token: userToken,
      query: SUBSCRIPTION,
      variablesEach: sending.map((j) => ({ jobId: globalId('TrainingJob', j.id), afterStep: 0 })),
      maxStep: STEPS,
    } satisfies FleetCommand;
    const ours = await run(fleet, senders, sending, {
      open: subscribers,
      subscribed: () => services.metricFeeds.activeSubscribers === count,
      closed: () => services.metricFeeds.activeSubscribers === 0,
      send: { url: () => `${url}/webhooks/gpu/simulated`, headers: (job) => ({ 'x-callback-token': job.token }), stepOffset: 0, answered },
    });
    const pollsTo = performance.now();
    const serverBusy = performance.eventLoopUtilization(busyFrom).utilization;
    const pollSeconds = (pollsTo - pollsFrom) / 1000;
    const allPolls = [...polledAt.values()].flat().filter((at) => at >= pollsFrom);
    // From the start to each job's first poll (due within one interval), between polls, and from its last to the end.
    const gaps = (list: BenchJob[]) =>
      list.flatMap((j) => {
        const times = [pollsFrom, ...polledAt.get(j.externalId)!.filter((at) => at <= pollsTo), pollsTo];
        return times.slice(1).map((at, i) => (at - times[i]!) / 1000);
      });
    const silentGaps = gaps(silent);
    const senderGaps = gaps(sending);
    const worstSilentGap = Math.max(...silentGaps);
    const loadDuring = os.loadavg()[0]!;
    // Ended, so their polls stop (the next poll finds a terminal job) and leave the baseline the machine.
    await client.query(`UPDATE "TrainingJob" SET status = 'COMPLETED', "completedAt" = now() WHERE id = ANY($1::uuid[])`, [jobs.map((j) => j.id)]);
    await sleep(POLL_INTERVAL_SECONDS * 1000);

    bare = await startBareServer(stack.databaseUrl, count);
    const bareServer = bare;
    const bareBusyFrom = performance.eventLoopUtilization();
    const baseline = await run(fleet, senders, sending, {
      // Its subscribers open as ours do (acknowledgeInit), each on its job's path.
      open: { ...subscribers, url: '', urls: sending.map((j) => `${bareServer.wsUrl}${j.id}`) },
      subscribed: () => bareServer.clients() === count,
      closed: () => bareServer.clients() === 0,
      // Posted (and stored) as steps STEPS + 1.., so our run's points do not meet the dedupe.
      send: { url: (job) => `${bareServer.url}${job.id}`, headers: () => ({}), stepOffset: STEPS },
    });

    const bareBusy = performance.eventLoopUtilization(bareBusyFrom).utilization;
    const label = `${count} jobs × ${POINTS_PER_SECOND} points/s`;
    const integrity = (r: RunResult) => `${r.missing} missing, ${r.duplicates} duplicated, ${r.errors} errors${r.firstError ? ` (${r.firstError})` : ''}`;
    const load = `1-min load average ${loadAtStart.toFixed(1)} at start, ${loadDuring.toFixed(1)} after our run, ${os.loadavg()[0]!.toFixed(1)} at end, on ${os.cpus().length} cores`;
    return [
      row(`concurrent jobs: points lost or duplicated, ${label}`, ours.missing + ours.duplicates, baseline.missing + baseline.duplicates, 'points', {
        target: { custom: '0', pass: ours.missing + ours.duplicates + ours.errors === 0 },
        note: `ours: ${integrity(ours)}; baseline: ${integrity(baseline)}; one callback of 1 point per job every ${1000 / POINTS_PER_SECOND} ms for ${STEPS / POINTS_PER_SECOND} s (${count * POINTS_PER_SECOND} callbacks/s), one graphql-ws subscriber per job (the senders and the subscribers each in a worker thread of their own); baseline: a bare http + ws server that INSERTs the same point (ON CONFLICT DO NOTHING, same table) on a pg pool, then sends it as one frame to the job's socket; ${load}`,
      }),
      row(`concurrent jobs: callback → subscriber latency p50, ${label}`, ours.p50, baseline.p50, 'ms'),
      row(`concurrent jobs: callback → subscriber latency p99, ${label}`, ours.p99, baseline.p99, 'ms', {
        target: { below: LATENCY_P99_TARGET_MS },
        note: `${ours.samples.toLocaleString('en')} receipts (baseline ${baseline.samples.toLocaleString('en')}), the first ${WARM_UP} steps of each job not counted; baseline: the bare http + ws server (INSERT, then one frame); the server's event loop ${Math.round(serverBusy * 100)}% busy over our run, the bare server's ${Math.round(bareBusy * 100)}% over the baseline's (their clients in two worker threads)`,
      }),
      row(`concurrent jobs: polls per second, ${label}`, allPolls.length / pollSeconds, (count + silentCount) / POLL_INTERVAL_SECONDS, 'polls/s', {
        note: `${count + silentCount} jobs (${silentCount} silent) over ${pollSeconds.toFixed(0)} s; baseline: every job polled every POLL_INTERVAL_SECONDS (${POLL_INTERVAL_SECONDS} s), as before callbacks backed polls off; a sender's polls were ${senderGaps.length ? (senderGaps.reduce((a, b) => a + b, 0) / senderGaps.length).toFixed(1) : '–'} s apart on average`,
      }),
      row(`concurrent jobs: worst gap between polls of a silent job, ${label}`, worstSilentGap, POLL_INTERVAL_SECONDS, 's', {
        target: { custom: `≤ ${2 * POLL_INTERVAL_SECONDS} s (twice the interval)`, pass: worstSilentGap <= 2 * POLL_INTERVAL_SECONDS },
        note: `${silentGaps.length} gaps over ${silentCount} silent jobs (the first from the start, the last to the end of our run), p50 ${percentiles(silentGaps).p50.toFixed(2)} s; baseline: POLL_INTERVAL_SECONDS`,
      }),
    ];
  } finally {
    await fleet.stop().catch(() => {});
    await senders.stop().catch(() => {});
    await bare?.close().catch(() => {});
    agent.destroy();
    await client.end().catch(() => {});
    await stack.close();
  }
}

/** How one run's callbacks are sent: each job's URL and headers, the step offset in bodies, the shared record of answers. */
type SendOptions = Pick<SendCommand, 'stepOffset' | 'answered'> & { url: (job: BenchJob) => string; headers: (job: BenchJob) => Record<string, string> };

/** Opens one subscriber per job, has the senders post every job's steps at POINTS_PER_SECOND (jobs spread over a period), reads back receipts. */
async function run(
  fleet: Fleet,
  senders: Senders,
  jobs: BenchJob[],
  options: { open: FleetCommand; subscribed: () => boolean; closed: () => boolean; send: SendOptions },
): Promise<RunResult> {
  await fleet.call(options.open);
  await until(options.subscribed, 60_000, `${jobs.length} subscribers to be subscribed`);
  const { url, headers, ...send } = options.send;
  const sent = await senders.send({
    ...send,
    jobs: jobs.map((job): SenderJob => ({ ...job, url: url(job), headers: headers(job) })),
    steps: STEPS,
    pointsPerSecond: POINTS_PER_SECOND,
  });
  const { sentAt } = sent;
  const behind = (await fleet.call({ cmd: 'waitFor', step: STEPS, timeoutMs: 30_000 })).behind as number;
  const result = (await fleet.call({ cmd: 'collect' })).result as FleetResult;
  await fleet.call({ cmd: 'close' });
  await until(options.closed, 20_000, 'subscribers to be released');
  const latencies: number[] = [];
  let missing = 0;
  for (let index = 0; index < jobs.length; index++) {
    for (let step = 1; step <= STEPS; step++) {
      const receivedAt = result.receipts[index * (result.maxStep + 1) + step]!;
      if (receivedAt === 0) missing++;
      else if (step > WARM_UP) latencies.push(receivedAt - sentAt[index * (STEPS + 1) + step]!);
    }
  }
  if (behind > 0 && missing === 0) missing = behind;
  const { p50, p99 } = percentiles(latencies);
  const errors = result.errors + sent.errors;
  return { p50, p99, samples: latencies.length, missing, duplicates: result.duplicates, errors, firstError: sent.firstError ?? result.firstError };
}

/** The simulated provider's callbacks, posted from a worker thread (bench/lib/callback-senders.ts). */
class Senders {
  private readonly worker = new Worker(new URL('./lib/callback-senders.ts', import.meta.url));

  send(command: SendCommand): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (reply: { ok: boolean; result?: SendResult; error?: string }) => (reply.ok ? resolve(reply.result!) : reject(new Error(reply.error))));
      this.worker.postMessage(command);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

interface BareServer {
  /** POST `${url}<jobId>` with a callback body; subscribe on `${wsUrl}<jobId>`. */
  url: string;
  wsUrl: string;
  clients(): number;
  close(): Promise<void>;
}

/** The baseline: store the callback's points with the same INSERT, then send them as one frame to the job's socket. */
async function startBareServer(databaseUrl: string, jobs: number): Promise<BareServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const sockets = new Map<string, WebSocket>();
  const insert = `${INSERT_POINT_COLUMNS} ${pointRowsFromJson(2)} ON CONFLICT ("jobId", step) DO NOTHING`;
  const server = http.createServer((req, res) => {
    const jobId = req.url!.slice(1);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { step: number; points: ProviderMetricPoint[] };
      // Posted (and stored) as steps STEPS + 1.., so our run's points do not meet the dedupe; framed as 1.. as the subscriber expects.
      const points = event.points.map((p) => ({ ...p, step: p.step - STEPS }));
      await pool.query(insert, [jobId, JSON.stringify(event.points)]);
      const frame = JSON.stringify({ id: '1', type: 'next', payload: { data: { trainingMetrics: { lastStep: event.step - STEPS, points } } } });
      const socket = sockets.get(jobId);
      if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  const wss = new WebSocketServer({ server });
  acknowledgeInit(wss);
  wss.on('connection', (socket, req) => {
    const jobId = req.url!.slice(1);
    sockets.set(jobId, socket);
    socket.on('close', () => sockets.delete(jobId));
  });
  server.maxConnections = jobs * 4;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    wsUrl: `ws://127.0.0.1:${port}/`,
    clients: () => wss.clients.size,
    async close() {
      await closeBareServer(server, wss);
      await pool.end();
    },
  };
}
