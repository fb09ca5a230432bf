// Metric ingestion, push latency and series, each beside a raw baseline measured in the same run:
// (1) callback-to-subscriber latency with 1, 100 and 1,000 graphql-ws subscribers on one job, beside a bare `ws`
//     server storing the same point and broadcasting it as one frame to as many sockets; at 1,000, then points per second
//     with callbacks back to back, beside that server sending as many points a frame as ours did (and, without a
//     target, paced as ours is, and one frame per post); (2) points per second ingested through signed
//     callbacks, beside a raw unnest INSERT of the same rows (and, without a target, the same INSERT with its arrays
//     sent in binary, as ours sends them); (3) TrainingJob.metrics(maxPoints: 1000) over a
//     1,000,000-point job, beside the same downsampling done in plain SQL; (4) server memory while a subscriber has
//     stopped reading for 60 s at 100 points/s, beside the same 60 s with no subscriber; (5) the same series at
//     5,000,000 points: the first request after a restart, and a running job's chart while callbacks arrive,
//     beside one SQL statement doing the same work over the same block summaries.
// bench/concurrent-jobs.ts reuses its helpers (exported below).
// Runs its own embedded PostgreSQL (fsync on), app and simulated provider, and removes them when done.
// `npx tsx bench/metrics.ts [latency|fanout|ingestion|series|memory|long-series ...]` runs some of them and prints the rows
// (`fanout`: (1) at 1,000 subscribers only; `npm run bench -- metrics:fanout` puts its rows in BENCHMARKS.md).
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';
import type { App } from '../server/app/app.js';
import { signCallbackToken, signLocalUserToken } from '../server/auth/tokens.js';
import { DEFAULT_BASE_MODEL_ID } from '../server/catalog/base-models.js';
import type { ProviderMetricPoint } from '../server/gpu/provider.js';
import type { FleetCommand, FleetCounters, FleetResult } from './lib/subscriber-fleet.js';
import { formatBenchRows, type BenchRow } from './report.js';
import { startBenchStack } from './lib/stack.js';
import { statementCounter } from '../server/db/client.js';
import { forgetRememberedSeries } from '../server/training/downsample.js';
import { PUSH_PAUSE_SHARE, PushPacer } from '../server/metrics/metric-feed.js';
import {
  BLOCK,
  INSERT_POINT_COLUMNS,
  POINT_ROW_COLUMNS,
  pointArrays,
  pointRowsFromArrays,
  pointRowsFromJson,
  SPAN,
  summariseStoredBlocks,
} from '../server/metrics/metric-store.js';
import { DATASET_STATISTICS } from './lib/fixtures.js';

/** (1) Subscribers on one job; one WebSocket connection each, as separate browser tabs would have. */
const SUBSCRIBER_COUNTS = [1, 100, 1000];
/** The subscriber count whose p99 has a target and whose points per second are measured with callbacks back to back. */
const SATURATED_COUNT = SUBSCRIBER_COUNTS.at(-1)!;
/** One point per callback at this steady rate for at least LATENCY_STEPS steps (10 s); the first LATENCY_WARM_UP are not counted. */
const LATENCY_RATE = 20;
const LATENCY_STEPS = 200;
const LATENCY_WARM_UP = 20;
/** A p99 from fewer receipts is a guess: with fewer subscribers, more steps. */
const LATENCY_MIN_SAMPLES = 1000;
const LATENCY_P99_TARGET_MS = 50;
/** At 1,000 subscribers, against the bare broadcast doing the same work: p99 at most this many times its p99, points/s at least this share. */
const FANOUT_P99_TARGET_RATIO = 1.2;
const FANOUT_POINTS_TARGET_RATIO = 0.9;
/** At 1,000 subscribers: the same callbacks of 1 point, back to back from a few posters, to ours and to the baseline. */
const SATURATION_POSTS = 300;
const SATURATION_POSTERS = 2;
/**
 * Rounds of the saturation, each side once a round in turn (the order rotated): one round's ratio moved from 0.66
 * to 0.96, and three rounds' total from 0.84 to 0.90 between runs of the same code.
 */
const SATURATION_ROUNDS = 5;

/** (2) Batches of points per callback, posted by a few concurrent posters over several jobs. */
const INGEST_JOBS = 8;
const INGEST_POSTERS = 4;
const INGEST_BATCH = 500;
const INGEST_BATCHES_PER_JOB = 60;
const INGEST_TARGET_POINTS_PER_SECOND = 50_000;
const INGEST_TARGET_RATIO = 0.8;

/** (3) One job's stored series, and the chart's request for it. */
const SERIES_POINTS = 1_000_000;
const SERIES_MAX_POINTS = 1000;
/** Enough for a p99 that is not just the worst two samples. */
const SERIES_REQUESTS = 1000;
const SERIES_WARM_UP = 3;
const SERIES_TARGET_MS = 50;
/** New points before each request of the growing-series figure (a callback's worth). */
const SERIES_GROWTH = 50;
/** Runs of the SQL downsampling baseline: each reads every point, so fewer of them. */
const SERIES_BASELINE_RUNS = 20;
/** Loss spikes planted in the series: a shape-keeping downsample must return every one of them. */
const SERIES_SPIKE_EVERY = 50_021;
/** Validation points, as the simulated provider makes them (ten per run). */
const SERIES_VALIDATION_EVERY = 100_000;

/** (4) A subscriber that stopped reading while points arrive. */
const MEMORY_SECONDS = 60;
const MEMORY_SAMPLE_SECONDS = 5;
const MEMORY_CALLBACKS_PER_SECOND = 10;
const MEMORY_POINTS_PER_CALLBACK = 10;
/** "Flat": growth over the run beyond what the same run with no subscriber shows. */
const MEMORY_RSS_BOUND_MB = 16;
const MEMORY_HEAP_BOUND_MB = 4;

const MB = 1024 * 1024;
const POINT_FIELDS = 'step epoch trainingLoss validationLoss learningRate gradNorm throughput tokensTrained gpuUtilization recordedAt';
/** The web client's subscription (web/src/pages/training/metrics.ts). */
export const SUBSCRIPTION = `subscription NewMetrics($jobId: ID!, $afterStep: Int!) { trainingMetrics(jobId: $jobId, afterStep: $afterStep) { lastStep points { ${POINT_FIELDS} } } }`;
const SERIES_QUERY = `query StoredMetrics($id: ID!, $maxPoints: Int!) { trainingJob(id: $id) { id metrics(maxPoints: $maxPoints) { ${POINT_FIELDS} } } }`;
const POINT_COLUMNS = `"jobId", step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained", "gpuUtilization", "recordedAt"`;

export interface BenchJob {
  id: string;
  externalId: string;
  token: string;
}

/** The clock every thread of this process shares: the subscriber worker stamps receipts with it. */
export const clock = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

/** `fanout` is `latency` at the largest subscriber count alone: the fan-out figures, without the smaller runs. */
const PHASES = ['latency', 'fanout', 'ingestion', 'series', 'memory', 'long-series'] as const;
type Phase = (typeof PHASES)[number];

/** What every phase works against: the running app, a user, and ways to make jobs and post their callbacks. */
interface Bench {
  url: string;
  wsUrl: string;
  databaseUrl: string;
  services: App['services'];
  agent: http.Agent;
  client: pg.Client;
  userToken: string;
  newJobs(count: number): Promise<BenchJob[]>;
  callback(job: BenchJob, body: string): Promise<void>;
}

/** All the measurements, or the ones named (`npx tsx bench/metrics.ts series memory`). */
export async function runMetricsBench(phases: readonly Phase[] = PHASES.filter((p) => p !== 'fanout')): Promise<BenchRow[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const load = os.loadavg()[0]!;
  // fsync stays on: every callback's commit reaches the disk, as it would in production.
  // The jobs below exist only in the database: polling them at the provider would only add noise.
  const stack = await startBenchStack('metrics', { durable: true, env: { POLL_INTERVAL_SECONDS: '300' } });
  const { app, url } = stack;
  let client: pg.Client | null = null;
  try {
    const services = app.services;

    const email = `bench-metrics-${randomUUID()}@bench.brightrun.dev`;
    const userToken = await signLocalUserToken(services.secret, { sub: `local:${email}`, email });
    const me = await postJson<{ me: { id: string } }>(agent, `${url}/graphql`, { query: '{ me { id } }' }, { authorization: `Bearer ${userToken}` });
    const ownerId = Buffer.from(me.data.me.id, 'base64').toString().split(':')[1]!;
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    client = db;
    await db.connect();
    const datasetId = await insertDataset(db, ownerId);
    const bench: Bench = {
      url,
      wsUrl: `${url.replace('http', 'ws')}/graphql`,
      databaseUrl: stack.databaseUrl,
      services,
      agent,
      client: db,
      userToken,
      async newJobs(count) {
        const jobs = await insertRunningJobs(db, ownerId, datasetId, count);
        return Promise.all(jobs.map(async (job) => ({ ...job, token: await signCallbackToken(services.secret, job.id, 3600) })));
      },
      async callback(job, body) {
        const res = await post(agent, `${url}/webhooks/gpu/simulated`, body, { 'x-callback-token': job.token });
        if (res.status !== 200) throw new Error(`callback answered ${res.status}: ${res.body.slice(0, 300)}`);
      },
    };

    const rows: BenchRow[] = [];
    if (phases.includes('latency')) rows.push(...(await latencyRows(bench, SUBSCRIBER_COUNTS)));
    else if (phases.includes('fanout')) rows.push(...(await latencyRows(bench, SUBSCRIBER_COUNTS.slice(-1))));
    if (phases.includes('ingestion')) rows.push(...(await ingestionRows(bench)));
    if (phases.includes('series')) rows.push(...(await seriesRows(bench)));
    if (phases.includes('memory')) rows.push(...(await memoryRows(bench)));
    if (phases.includes('long-series')) rows.push(...(await longSeriesRows(bench)));
    // Other work on the machine moves every figure: say how busy it was.
    const busy = `1-min load average ${load.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end, on ${os.cpus().length} cores`;
    if (rows[0]) rows[0].note = rows[0].note ? `${rows[0].note}; ${busy}` : busy;
    return rows;
  } finally {
    agent.destroy();
    await client?.end().catch(() => {});
    await stack.close();
  }
}

// ---- (1) latency ---------------------------------------------------------------------------------------------

/**
 * Latency at each subscriber count beside the bare broadcaster, then, at the largest, points per second with
 * callbacks back to back (saturationRounds). Both sides get the same callbacks, store every point and send frames of
 * the same shape.
 */
async function latencyRows(bench: Bench, counts: readonly number[]): Promise<BenchRow[]> {
  const { services } = bench;
  const fleet = new Fleet();
  const bare = await startBareBroadcaster(bench.databaseUrl);
  try {
    const rows: BenchRow[] = [];
    for (const count of counts) {
      const steps = Math.max(LATENCY_STEPS, LATENCY_WARM_UP + Math.ceil(LATENCY_MIN_SAMPLES / count));
      // A job each: both sides store every point in the same table.
      const [job, bareJob] = await bench.newJobs(2);
      const baseline = await measureLatency(fleet, { count, steps, ...bareSide(bench, bare, bareJob!, count, steps) });
      const shared = { ...services.subscriptionResults.stats };
      const ours = await measureLatency(fleet, { count, steps, ...oursSide(bench, job!, count, steps) });
      const label = `${count.toLocaleString('en')} subscriber${count === 1 ? '' : 's'}`;
      const executions = services.subscriptionResults.stats.executions - shared.executions;
      const frames = services.subscriptionResults.stats.deliveries - shared.deliveries;
      const pushed = services.subscriptionResults.stats.pushed - shared.pushed;
      const made = services.subscriptionResults.stats.frames - shared.frames;
      const integrity = `${ours.missing} steps missing, ${ours.duplicates} duplicated, ${ours.outOfOrder} out of order, ${ours.errors} errors${ours.firstError ? ` (${ours.firstError})` : ''}`;
      rows.push(
        row(`callback → subscriber latency p50, ${label}`, ours.p50, baseline.p50, 'ms', {
          note:
            count === counts[0]
              ? `${LATENCY_RATE} callbacks/s of 1 point for ${LATENCY_STEPS / LATENCY_RATE} s or more (at least ${LATENCY_MIN_SAMPLES.toLocaleString('en')} receipts counted, the first ${LATENCY_WARM_UP} steps not), one WebSocket connection per subscriber, clients in a worker thread; ours: the callback route (signed token, the ingest statement, pubsub) to graphql-ws subscribers of the web client's subscription; baseline: a bare http + ws server that stores the same point (INSERT … ON CONFLICT DO NOTHING, same table, its own pg pool) and, once committed, sends one frame of the same JSON shape, encoded once, to every socket; its subscribers open as ours do (connection_init with the token, then the subscribe), which it acknowledges and otherwise ignores`
              : undefined,
        }),
        row(`callback → subscriber latency p99, ${label}`, ours.p99, baseline.p99, 'ms', {
          target:
            count === SATURATED_COUNT
              ? {
                  custom: `< ${LATENCY_P99_TARGET_MS} ms, ≤ ${FANOUT_P99_TARGET_RATIO}× baseline`,
                  pass: ours.p99 < LATENCY_P99_TARGET_MS && ours.p99 <= FANOUT_P99_TARGET_RATIO * baseline.p99,
                }
              : undefined,
          note: `${ours.samples.toLocaleString('en')} receipts (baseline ${baseline.samples.toLocaleString('en')}), ${Math.round(ours.bytesPerPoint)} bytes per point received (baseline ${Math.round(baseline.bytesPerPoint)}); main thread CPU (server and posts, not the clients) ${ours.cpuMsPerThousandPoints.toFixed(1)} ms per 1,000 points delivered (baseline ${baseline.cpuMsPerThousandPoints.toFixed(1)}); ${integrity}; ${executions.toLocaleString('en')} GraphQL executions for ${frames.toLocaleString('en')} frames, ${percent(pushed / frames)} of them pushed straight to the socket as ${made.toLocaleString('en')} frames encoded once each; event loops busy: server ${percent(ours.serverBusy)}, subscribers' worker ${percent(ours.clientBusy)} (baseline ${percent(baseline.serverBusy)}, ${percent(baseline.clientBusy)}); 1-min load average ${ours.load.toFixed(1)} (baseline ${baseline.load.toFixed(1)})`,
          fail: ours.missing + ours.duplicates + ours.outOfOrder + ours.errors > 0,
        }),
      );
      if (count === SATURATED_COUNT) rows.push(...saturationRows(label, await saturationRounds(bench, fleet, bare, count)));
    }
    return rows;
  } finally {
    await fleet.stop().catch(() => {});
    await bare.close().catch(() => {});
  }
}

/**
 * A bare broadcaster's side of a run: its subscribers, which open as ours do (the same token and subscription, see
 * acknowledgeInit), and one post of 1 point per step to its job.
 */
function bareSide(bench: Bench, bare: BareBroadcaster, job: BenchJob, count: number, maxStep: number) {
  return {
    open: { ...subscriberOpen(bench, job, count, maxStep), url: bare.wsUrl } satisfies FleetCommand,
    subscribed: () => bare.clients() === count,
    closed: () => bare.clients() === 0,
    post: async (step: number) => {
      const res = await post(bench.agent, `${bare.url}${job.id}`, eventBody(job, pointsFrom(step, 1)), {});
      if (res.status !== 200) throw new Error(`bare broadcaster answered ${res.status}: ${res.body.slice(0, 300)}`);
    },
  };
}

/** `count` graphql-ws subscribers of the web client's subscription to the job, on our server (bareSide sends them to a bare one). */
function subscriberOpen(bench: Bench, job: BenchJob, count: number, maxStep: number): Extract<FleetCommand, { cmd: 'open' }> {
  const variables = { jobId: globalId('TrainingJob', job.id), afterStep: 0 };
  return { cmd: 'open', url: bench.wsUrl, count, token: bench.userToken, query: SUBSCRIPTION, variables, maxStep };
}

/** Our side of a run: graphql-ws subscribers of the web client's subscription to the job, and one callback of 1 point per step. */
function oursSide(bench: Bench, job: BenchJob, count: number, maxStep: number) {
  const { services } = bench;
  return {
    open: subscriberOpen(bench, job, count, maxStep),
    subscribed: () => services.metricFeeds.activeSubscribers === count,
    closed: () => services.metricFeeds.activeSubscribers === 0,
    post: (step: number) => bench.callback(job, eventBody(job, pointsFrom(step, 1))),
  };
}

/** Ours and each bare server, saturated SATURATION_ROUNDS times: the totals, and ours ÷ the sized baseline per round. */
interface SaturationRounds {
  ours: Saturation;
  sized: Saturation;
  paced: Saturation;
  perPost: Saturation;
  ratios: number[];
}

/**
 * Each round saturates ours, then the bare server sending as many points a frame as ours just did, the paced one and
 * the per-post one (`perPost`, already running), each on a job of its own with subscribers opened for it; the
 * order rotates from round to round, the sized one always right after ours.
 */
async function saturationRounds(bench: Bench, fleet: Fleet, perPost: BareBroadcaster, count: number): Promise<SaturationRounds> {
  const paced = await startBareBroadcaster(bench.databaseUrl, { kind: 'paced' });
  const runs: { ours: Saturation[]; sized: Saturation[]; paced: Saturation[]; perPost: Saturation[] } = { ours: [], sized: [], paced: [], perPost: [] };
  try {
    for (let round = 0; round < SATURATION_ROUNDS; round++) {
      const [ours, sized, pacedJob, perPostJob] = await bench.newJobs(4);
      const sides = [
        async () => {
          runs.ours.push(await saturateOnly(fleet, { count, ...oursSide(bench, ours!, count, SATURATION_POSTS) }));
          const framing = { kind: 'sized', pointsPerFrame: runs.ours.at(-1)!.pointsPerFrame, points: SATURATION_POSTS } as const;
          const server = await startBareBroadcaster(bench.databaseUrl, framing);
          try {
            runs.sized.push(await saturateOnly(fleet, { count, ...bareSide(bench, server, sized!, count, SATURATION_POSTS) }));
          } finally {
            await server.close().catch(() => {});
          }
        },
        async () => runs.paced.push(await saturateOnly(fleet, { count, ...bareSide(bench, paced, pacedJob!, count, SATURATION_POSTS) })),
        async () => runs.perPost.push(await saturateOnly(fleet, { count, ...bareSide(bench, perPost, perPostJob!, count, SATURATION_POSTS) })),
      ];
      for (let i = 0; i < sides.length; i++) await sides[(round + i) % sides.length]!();
    }
  } finally {
    await paced.close().catch(() => {});
  }
  return {
    ours: combined(runs.ours),
    sized: combined(runs.sized),
    paced: combined(runs.paced),
    perPost: combined(runs.perPost),
    ratios: runs.ours.map((ours, i) => ours.pointsPerSecond / runs.sized[i]!.pointsPerSecond),
  };
}

/** Saturations taken together: rates over their summed counts and times. */
function combined(runs: readonly Saturation[]): Saturation {
  const sum = (key: 'frames' | 'points' | 'seconds' | 'postedSeconds') => runs.reduce((total, run) => total + run[key], 0);
  const [frames, points, seconds, postedSeconds] = [sum('frames'), sum('points'), sum('seconds'), sum('postedSeconds')];
  return {
    frames,
    points,
    seconds,
    postedSeconds,
    framesPerSecond: frames / seconds,
    pointsPerSecond: points / seconds,
    pointsPerFrame: points / frames,
    callbacksPerSecond: (runs.length * SATURATION_POSTS) / postedSeconds,
    catchUpMs: ((seconds - postedSeconds) * 1000) / runs.length,
    load: Math.max(...runs.map((run) => run.load)),
  };
}

/**
 * Points and frames per second with callbacks back to back: ours beside the bare server sending as many points a
 * frame as ours did (the target), the bare server paced as ours is, and the bare server sending one frame per post.
 */
function saturationRows(label: string, { ours, sized, paced, perPost, ratios }: SaturationRounds): BenchRow[] {
  const side = (s: Saturation) =>
    `${Math.round(s.callbacksPerSecond)} callbacks/s taken, every subscriber caught up ${Math.round(s.catchUpMs)} ms after the last (mean of the rounds), ${s.pointsPerFrame.toFixed(2)} points per frame, 1-min load average up to ${s.load.toFixed(1)}`;
  const posts = `${SATURATION_ROUNDS} rounds, each side in turn (the order rotated), each the same ${SATURATION_POSTS} callbacks of 1 point, back to back from ${SATURATION_POSTERS} posters, to a job of its own with its subscribers, timed until every subscriber has the last point (totals over the rounds; ratio per round ${ratios.map((r) => r.toFixed(2)).join(', ')})`;
  return [
    row(`subscription points delivered per second, ${label}`, ours.pointsPerSecond, sized.pointsPerSecond, 'points/s', {
      target: { custom: `≥ ${FANOUT_POINTS_TARGET_RATIO}× baseline`, pass: ours.pointsPerSecond >= FANOUT_POINTS_TARGET_RATIO * sized.pointsPerSecond },
      note: `${posts}; ours: ${side(ours)}; baseline: the bare server above, sending as many points a frame as ours did (a frame each time the points received reach the next multiple of ours' points per frame): ${side(sized)}`,
    }),
    row(`subscription points delivered per second, ${label}, paced baseline`, ours.pointsPerSecond, paced.pointsPerSecond, 'points/s', {
      note: `the same posts; baseline: the bare server above, paced as ours is (PushPacer: one broadcast at a time; right after one, the next waits while posts keep coming in, until two turns of the event loop bring none or ${PUSH_PAUSE_SHARE} of the time the last took has passed, and the points that landed meanwhile go out in one frame): ${side(paced)}`,
    }),
    row(`subscription points delivered per second, ${label}, per-post baseline`, ours.pointsPerSecond, perPost.pointsPerSecond, 'points/s', {
      note: `the same posts; baseline: the bare server above, one frame per post as it comes: ${side(perPost)}`,
    }),
    row(`subscription frames pushed per second, ${label}`, ours.framesPerSecond, sized.framesPerSecond, 'frames/s', {
      note: `the same run, beside the baseline with as many points a frame (paced: ${Math.round(paced.framesPerSecond).toLocaleString('en')} frames/s; per post: ${Math.round(perPost.framesPerSecond).toLocaleString('en')}): points that land while a push is still going out join the next frame`,
    }),
  ];
}

interface Saturation {
  frames: number;
  points: number;
  /** From the first post until every subscriber had the last point. */
  seconds: number;
  /** From the first post until the last was answered. */
  postedSeconds: number;
  framesPerSecond: number;
  pointsPerSecond: number;
  pointsPerFrame: number;
  callbacksPerSecond: number;
  catchUpMs: number;
  load: number;
}

interface LatencyResult {
  p50: number;
  p99: number;
  samples: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
  errors: number;
  firstError: string | null;
  /** Event loop utilisation (0..1) over the steady run: the server's thread and the subscribers' worker. */
  serverBusy: number;
  clientBusy: number;
  /** Frame bytes per point received: both sides' frames have the same JSON shape. */
  bytesPerPoint: number;
  /** CPU time of this process's main thread (the server and the posts; the clients are in their own thread) per 1,000 points received. */
  cpuMsPerThousandPoints: number;
  /** The 1-min load average at the end of the steady run. */
  load: number;
}

/**
 * Opens the subscribers, posts one point per callback at a steady rate, and reads back when each subscriber got
 * each step: latency = receipt − the moment just before that step's POST.
 */
async function measureLatency(
  fleet: Fleet,
  options: {
    count: number;
    /** Steps posted at LATENCY_RATE (the first LATENCY_WARM_UP not counted). */
    steps: number;
    open: FleetCommand;
    subscribed: () => boolean;
    closed: () => boolean;
    /** Posts one point, `step`. */
    post: (step: number) => Promise<void>;
  },
): Promise<LatencyResult> {
  const { steps } = options;
  await fleet.call(options.open);
  await until(options.subscribed, 60_000, `${options.count} subscribers to be subscribed`);
  const sentAt = new Float64Array(steps + 1);
  const posts: Promise<void>[] = [];
  const serverBusyFrom = performance.eventLoopUtilization();
  const clientBusyFrom = (await fleet.call({ cmd: 'busy' })).elu as EventLoopUtilization;
  const countersFrom = (await fleet.call({ cmd: 'counters' })).counters as FleetCounters;
  const cpuFrom = mainThreadCpuMs();
  const start = performance.now();
  for (let step = 1; step <= steps; step++) {
    const wait = start + ((step - 1) * 1000) / LATENCY_RATE - performance.now();
    if (wait > 0) await sleep(wait);
    sentAt[step] = clock();
    posts.push(options.post(step));
  }
  await Promise.all(posts);
  const behind = (await fleet.call({ cmd: 'waitFor', step: steps, timeoutMs: 20_000 })).behind as number;
  const serverBusy = performance.eventLoopUtilization(serverBusyFrom).utilization;
  const clientBusy = performance.eventLoopUtilization((await fleet.call({ cmd: 'busy' })).elu as EventLoopUtilization, clientBusyFrom).utilization;
  const cpu = mainThreadCpuMs() - cpuFrom;
  const counters = (await fleet.call({ cmd: 'counters' })).counters as FleetCounters;
  const load = os.loadavg()[0]!;
  const result = (await fleet.call({ cmd: 'collect' })).result as FleetResult;

  const latencies: number[] = [];
  let missing = 0;
  for (let subscriber = 0; subscriber < result.count; subscriber++) {
    for (let step = LATENCY_WARM_UP + 1; step <= steps; step++) {
      const receivedAt = result.receipts[subscriber * (result.maxStep + 1) + step]!;
      if (receivedAt === 0) missing++;
      else latencies.push(receivedAt - sentAt[step]!);
    }
  }
  if (behind > 0 && missing === 0) missing = behind;

  await fleet.call({ cmd: 'close' });
  await until(options.closed, 20_000, 'subscribers to be released');
  const { p50, p99 } = percentiles(latencies);
  return {
    p50,
    p99,
    samples: latencies.length,
    missing,
    duplicates: result.duplicates,
    outOfOrder: result.outOfOrder,
    errors: result.errors,
    firstError: result.firstError,
    serverBusy,
    clientBusy,
    bytesPerPoint: (counters.bytes - countersFrom.bytes) / Math.max(1, counters.points - countersFrom.points),
    cpuMsPerThousandPoints: (1000 * cpu) / Math.max(1, counters.points - countersFrom.points),
    load,
  };
}

/**
 * CPU time of this process's main thread so far, in ms (Linux; NaN elsewhere): unlike process.cpuUsage() it leaves
 * out the subscribers' worker thread, and unlike wall time it does not grow while other work on the machine runs.
 */
function mainThreadCpuMs(): number {
  try {
    const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (USER_HZ: 100 on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Opens the subscribers, saturates from step 1, then closes them: the points per second alone, without the latency run. */
async function saturateOnly(
  fleet: Fleet,
  options: { count: number; open: FleetCommand; subscribed: () => boolean; closed: () => boolean; post: (step: number) => Promise<void> },
): Promise<Saturation> {
  await fleet.call(options.open);
  await until(options.subscribed, 60_000, `${options.count} subscribers to be subscribed`);
  const saturation = await saturate(fleet, options.count, options.post);
  await fleet.call({ cmd: 'close' });
  await until(options.closed, 20_000, 'subscribers to be released');
  return saturation;
}

/** SATURATION_POSTS callbacks of 1 point from step 1, back to back; frames and points counted until every subscriber has the last step. */
async function saturate(fleet: Fleet, count: number, post: (step: number) => Promise<void>): Promise<Saturation> {
  const before = (await fleet.call({ cmd: 'counters' })).counters as FleetCounters;
  const start = performance.now();
  const last = SATURATION_POSTS;
  let next = 1;
  await Promise.all(
    Array.from({ length: SATURATION_POSTERS }, async () => {
      while (next <= last) await post(next++);
    }),
  );
  const postedFor = performance.now() - start;
  const behind = (await fleet.call({ cmd: 'waitFor', step: last, timeoutMs: 60_000 })).behind as number;
  if (behind > 0) throw new Error(`saturation: ${behind} of ${count} subscribers never got step ${last}`);
  const elapsed = performance.now() - start;
  const after = (await fleet.call({ cmd: 'counters' })).counters as FleetCounters;
  const frames = after.frames - before.frames;
  const points = after.points - before.points;
  return {
    frames,
    points,
    seconds: elapsed / 1000,
    postedSeconds: postedFor / 1000,
    framesPerSecond: frames / (elapsed / 1000),
    pointsPerSecond: points / (elapsed / 1000),
    pointsPerFrame: points / frames,
    callbacksPerSecond: SATURATION_POSTS / (postedFor / 1000),
    catchUpMs: elapsed - postedFor,
    load: os.loadavg()[0]!,
  };
}

/** The worker's answer to a command: which field is set depends on the command. */
type FleetReply = { ok: boolean; error?: string; elu?: EventLoopUtilization; behind?: number; result?: FleetResult; counters?: FleetCounters };

/** The subscriber worker, one command at a time. */
export class Fleet {
  private readonly worker = new Worker(new URL('./lib/subscriber-fleet.ts', import.meta.url));
  private queue: Promise<unknown> = Promise.resolve();

  call(command: FleetCommand): Promise<FleetReply> {
    const run = () =>
      new Promise<FleetReply>((resolve, reject) => {
        this.worker.once('message', (message: FleetReply) => (message.ok ? resolve(message) : reject(new Error(message.error))));
        this.worker.postMessage(command);
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  async stop(): Promise<void> {
    await this.call({ cmd: 'close' }).catch(() => {});
    await this.worker.terminate();
  }
}

interface BareBroadcaster {
  /** POST `${url}<jobId>` with a callback body. */
  url: string;
  wsUrl: string;
  clients(): number;
  close(): Promise<void>;
}

/**
 * How a bare broadcaster groups points into frames:
 * - `per-post`: one frame per post, as it comes;
 * - `paced`: as the server paces a job's pushes (PushPacer, server/metrics/metric-feed.ts): one broadcast at a time,
 *   and right after one the next waits while posts keep coming in (at most PUSH_PAUSE_SHARE of the time the last
 *   took), its points in one frame;
 * - `sized`: `pointsPerFrame` points a frame on average (frame n ends at point round(n × pointsPerFrame)), as
 *   ours packed them; the post that brings the points received to `points` sends what is left.
 */
type Framing = { kind: 'per-post' } | { kind: 'paced' } | { kind: 'sized'; pointsPerFrame: number; points: number };

/**
 * The floor of a push of a stored point: an HTTP POST whose points are stored with a plain INSERT … ON CONFLICT DO
 * NOTHING (no token, no progress, no pubsub), then sent in frames (see Framing), each encoded once, to every socket
 * (no GraphQL).
 */
async function startBareBroadcaster(databaseUrl: string, framing: Framing = { kind: 'per-post' }): Promise<BareBroadcaster> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const insert = `${INSERT_POINT_COLUMNS} ${pointRowsFromJson(2)} ON CONFLICT ("jobId", step) DO NOTHING`;
  const broadcast = (points: ProviderMetricPoint[]) => {
    const lastStep = points.reduce((max, p) => Math.max(max, p.step), 0);
    const frame = Buffer.from(JSON.stringify({ id: '1', type: 'next', payload: { data: { trainingMetrics: { lastStep, points } } } }));
    for (const socket of wss.clients) if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: false });
  };
  let pending: ProviderMetricPoint[] = [];
  const broadcastPending = () => {
    const points = pending.sort((a, b) => a.step - b.step);
    pending = [];
    broadcast(points);
  };
  let activity = 0;
  const pacer = new PushPacer(() => activity);
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    pacer.schedule(() => {
      const began = performance.now();
      broadcastPending();
      pacer.pushed(began, performance.now());
      scheduled = false;
      if (pending.length > 0) schedule();
    });
  };
  let received = 0;
  let frames = 0;
  const take = (points: ProviderMetricPoint[]) => {
    if (framing.kind === 'per-post') return broadcast(points);
    pending.push(...points);
    activity++;
    if (framing.kind === 'paced') return schedule();
    received += points.length;
    let ended = false;
    while (Math.round((frames + 1) * framing.pointsPerFrame) <= received) {
      frames++;
      ended = true;
    }
    if (ended || received >= framing.points) broadcastPending();
  };
  const server = http.createServer((req, res) => {
    const jobId = req.url!.slice(1);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { step: number; points: ProviderMetricPoint[] };
      activity++;
      try {
        await pool.query(insert, [jobId, JSON.stringify(event.points)]);
      } catch (err) {
        return void res.writeHead(500).end(String(err));
      }
      take(event.points);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  const wss = new WebSocketServer({ server });
  acknowledgeInit(wss);
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

/**
 * A bare server's part of graphql-transport-ws: connection_init is acknowledged, anything else (the subscribe) taken
 * as read. Its subscribers then open as ours do, sending their token and subscription before the frames come. It
 * matters here: a socket whose client has sent something after the upgrade costs this machine's network stack some
 * 20 to 40% more kernel time per write (measured with the same write to both servers' sockets), so subscribers that
 * never spoke made the bare server's frames cheaper to send than ours.
 */
export function acknowledgeInit(wss: WebSocketServer): void {
  const ack = JSON.stringify({ type: 'connection_ack' });
  wss.on('connection', (socket) =>
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type?: unknown }).type === 'connection_init') socket.send(ack);
    }),
  );
}

/** Stops a bare http + ws server: its sockets first, then the server. */
export async function closeBareServer(server: http.Server, wss: WebSocketServer): Promise<void> {
  for (const socket of wss.clients) socket.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

// ---- (2) ingestion --------------------------------------------------------------------------------------------

async function ingestionRows(bench: Bench): Promise<BenchRow[]> {
  const ingestion = await measureIngestion(bench);
  const ratio = ingestion.ours.rate / ingestion.raw.rate;
  return [
    row('points ingested per second through callbacks', ingestion.ours.rate, ingestion.raw.rate, 'points/s', {
      target: { atLeast: INGEST_TARGET_POINTS_PER_SECOND },
      note: `${ingestion.points.toLocaleString('en')} points in ${INGEST_BATCH}-point callbacks, ${INGEST_POSTERS} concurrent posters over ${INGEST_JOBS} jobs a round, ${INGEST_ROUNDS} rounds (raw and ours in turn, the order swapped each round; ratio per round ${ingestion.roundRatios.map((r) => r.toFixed(2)).join(', ')}), ${ingestion.ours.seconds.toFixed(2)} s in all, server event loop ${percent(ingestion.ours.serverBusy)} busy, ${ingestion.ours.cpuMsPerBatch.toFixed(1)} ms of this process's CPU per callback (poster included; baseline ${ingestion.raw.cpuMsPerBatch.toFixed(1)} ms per INSERT); baseline: the same rows as plain unnest INSERTs over ${INGEST_POSTERS} connections, ${INGEST_BATCH} rows each, no dedupe, ${ingestion.raw.seconds.toFixed(2)} s in all (the server sends each batch as one array per field, numbers in binary)`,
    }),
    {
      figure: 'callback ingestion ÷ raw INSERT',
      ours: ratio,
      baseline: null,
      unit: '×',
      ratio: null,
      target: `≥ ${INGEST_TARGET_RATIO}`,
      pass: ratio >= INGEST_TARGET_RATIO,
      note: 'per callback: token check (cached after the first per job), points checked by hand (zod only for the envelope), one statement (job and delivery check, a plain INSERT of the points (run again as INSERT … ON CONFLICT DO NOTHING only when a step is already stored), the summaries of the blocks and spans of blocks the batch fills (each 500-point batch ends a block, so none of these is coalesced with another), progress UPDATE, receipt INSERT), two events for the NOTIFY statement pubsub sends for all events published meanwhile; the baseline stores the same rows with no dedupe, no summaries and no job row',
    },
    {
      figure: 'callback ingestion ÷ raw INSERT, arrays sent in binary',
      ours: ingestion.ours.rate / ingestion.binary.rate,
      baseline: null,
      unit: '×',
      ratio: null,
      note: `the same rounds; baseline: the raw INSERTs above with each array in PostgreSQL's binary form, as our server sends them (pointArrays), instead of node-postgres' text form: ${Math.round(ingestion.binary.rate).toLocaleString('en')} points/s, ${ingestion.binary.cpuMsPerBatch.toFixed(1)} ms of this process's CPU per INSERT (text form: ${ingestion.raw.cpuMsPerBatch.toFixed(1)} ms), run third in each round`,
    },
  ];
}

/**
 * Rounds of the raw INSERTs and our callbacks, the order swapped each round: one run is a second or two, and a
 * figure that short moves with whatever else the machine does in it (one round's ratio from 0.66 to 1.03, three
 * rounds' total from 0.75 to 0.89 between runs of the same code). Totals over the rounds make the figures.
 */
const INGEST_ROUNDS = 6;

async function measureIngestion({ databaseUrl, client, newJobs, callback }: Bench): Promise<{
  points: number;
  ours: { rate: number; seconds: number; serverBusy: number; cpuMsPerBatch: number };
  raw: { rate: number; seconds: number; cpuMsPerBatch: number };
  binary: { rate: number; cpuMsPerBatch: number };
  roundRatios: number[];
}> {
  // The same points for every job and both paths, serialised once so the posters only send.
  const batches = Array.from({ length: INGEST_BATCHES_PER_JOB }, (_, b) => Array.from({ length: INGEST_BATCH }, (_, i) => metricPoint(b * INGEST_BATCH + i + 1)));
  const batchJson = batches.map((points) => JSON.stringify(points));
  const pointsPerRound = INGEST_JOBS * INGEST_BATCHES_PER_JOB * INGEST_BATCH;
  const callbacksPerRound = INGEST_JOBS * INGEST_BATCHES_PER_JOB;

  // Raw: plain multi-row INSERTs of the same rows, as many connections as posters.
  const connections = await Promise.all(
    Array.from({ length: INGEST_POSTERS }, async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      return c;
    }),
  );
  const rawInsert = (c: pg.Client, jobId: string, batch: ProviderMetricPoint[]) => {
    const col = <K extends keyof ProviderMetricPoint>(key: K) => batch.map((p) => p[key]);
    return c.query(
      `INSERT INTO "MetricPoint" (${POINT_COLUMNS})
       SELECT $1::uuid, * FROM unnest($2::int[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::bigint[], $10::float8[], $11::timestamptz[])`,
      [
        jobId,
        col('step'),
        col('epoch'),
        col('trainingLoss'),
        col('validationLoss'),
        col('learningRate'),
        col('gradNorm'),
        col('throughput'),
        col('tokensTrained'),
        col('gpuUtilization'),
        col('recordedAt'),
      ],
    );
  };
  // The same, each array in PostgreSQL's binary form, as the server sends them (no row for a target: see ingestionRows).
  const binaryInsert = (c: pg.Client, jobId: string, batch: ProviderMetricPoint[]) => c.query(`${INSERT_POINT_COLUMNS} ${pointRowsFromArrays(2)}`, [jobId, ...pointArrays(batch)]);
  // Ours: signed callbacks carrying the same batches.
  const body = (job: BenchJob, batch: number) => eventBodyFromJson(job, batchJson[batch]!, batches[batch]!.at(-1)!);

  const raw = { seconds: 0, cpuMs: 0 };
  const binary = { seconds: 0, cpuMs: 0 };
  const ours = { seconds: 0, cpuMs: 0, busySeconds: 0 };
  const roundRatios: number[] = [];
  const ourJobs: BenchJob[] = [];
  try {
    const [rawWarm, warm] = await newJobs(2);
    await Promise.all(connections.map((c, i) => rawInsert(c, rawWarm!.id, batches[i]!)));
    for (let b = 0; b < INGEST_POSTERS; b++) await callback(warm!, body(warm!, b));

    for (let round = 0; round < INGEST_ROUNDS; round++) {
      const rawJobs = await newJobs(INGEST_JOBS);
      const binaryJobs = await newJobs(INGEST_JOBS);
      const jobs = await newJobs(INGEST_JOBS);
      ourJobs.push(...jobs);
      const runInserts = async (insert: typeof rawInsert, insertJobs: BenchJob[], totals: { seconds: number; cpuMs: number }) => {
        const cpuFrom = process.cpuUsage();
        const seconds = await runTasks(INGEST_POSTERS, (poster, task) => insert(connections[poster]!, insertJobs[task.job]!.id, batches[task.batch]!));
        totals.seconds += seconds;
        totals.cpuMs += cpuMs(process.cpuUsage(cpuFrom));
        return seconds;
      };
      const runRaw = () => runInserts(rawInsert, rawJobs, raw);
      const runOurs = async () => {
        const busyFrom = performance.eventLoopUtilization();
        const cpuFrom = process.cpuUsage();
        const seconds = await runTasks(INGEST_POSTERS, (_poster, task) => callback(jobs[task.job]!, body(jobs[task.job]!, task.batch)));
        ours.seconds += seconds;
        ours.cpuMs += cpuMs(process.cpuUsage(cpuFrom));
        ours.busySeconds += performance.eventLoopUtilization(busyFrom).utilization * seconds;
        return seconds;
      };
      // Ratio of rates: the same points each side.
      if (round % 2 === 0) {
        const rawSeconds = await runRaw();
        roundRatios.push(rawSeconds / (await runOurs()));
      } else {
        const ourSeconds = await runOurs();
        roundRatios.push((await runRaw()) / ourSeconds);
      }
      await runInserts(binaryInsert, binaryJobs, binary);
    }
  } finally {
    await Promise.all(connections.map((c) => c.end().catch(() => {})));
  }

  const points = pointsPerRound * INGEST_ROUNDS;
  const {
    rows: [stored],
  } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "MetricPoint" WHERE "jobId" = ANY($1::uuid[])`, [ourJobs.map((j) => j.id)]);
  if (stored!.n !== points) throw new Error(`ingestion stored ${stored!.n} of ${points} points`);
  const callbacks = callbacksPerRound * INGEST_ROUNDS;
  return {
    points,
    ours: { rate: points / ours.seconds, seconds: ours.seconds, serverBusy: ours.busySeconds / ours.seconds, cpuMsPerBatch: ours.cpuMs / callbacks },
    raw: { rate: points / raw.seconds, seconds: raw.seconds, cpuMsPerBatch: raw.cpuMs / callbacks },
    binary: { rate: points / binary.seconds, cpuMsPerBatch: binary.cpuMs / callbacks },
    roundRatios,
  };
}

/** Every (job, batch) once, batches in order and jobs interleaved, taken by `workers` concurrent loops; returns seconds. */
async function runTasks(workers: number, run: (worker: number, task: { job: number; batch: number }) => Promise<unknown>): Promise<number> {
  const tasks = Array.from({ length: INGEST_JOBS * INGEST_BATCHES_PER_JOB }, (_, i) => ({ job: i % INGEST_JOBS, batch: Math.floor(i / INGEST_JOBS) }));
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (next < tasks.length) await run(worker, tasks[next++]!);
    }),
  );
  return (performance.now() - start) / 1000;
}

// ---- (3) series ---------------------------------------------------------------------------------------------

async function seriesRows(bench: Bench): Promise<BenchRow[]> {
  const series = await measureSeries(bench);
  const label = `metrics(maxPoints: ${SERIES_MAX_POINTS}) over ${SERIES_POINTS.toLocaleString('en')} points`;
  return [
    row(`${label}, first request`, series.first, series.sqlFirst, 'ms', {
      note: 'the first request after the series was stored (baseline: the SQL downsampling below, run for the first time)',
    }),
    row(`${label} p50`, series.ours.p50, series.sql.p50, 'ms', {
      note: `over HTTP + GraphQL, ${SERIES_REQUESTS} sequential requests after ${SERIES_WARM_UP}; baseline: the same downsampling in plain SQL (each of ${SERIES_MAX_POINTS / 2} step buckets' lowest and highest training loss and every validation point, by window functions over the job's points), ${SERIES_BASELINE_RUNS} runs after ${SERIES_WARM_UP}, so its p99 is its slowest; series made by one INSERT … generate_series in ${series.generateSeconds.toFixed(1)} s`,
    }),
    row(`${label} p99`, series.ours.p99, series.sql.p99, 'ms', {
      target: { below: SERIES_TARGET_MS },
      note: `${series.returned} points returned, last step ${series.lastStep.toLocaleString('en')}, ${series.spikesKept}/${series.spikes} planted loss spikes and ${series.validationKept}/${series.validation} validation points kept; the points returned are remembered, so these requests read none from the database`,
      fail: !series.shapeKept,
    }),
    row(`${label}, growing by ${SERIES_GROWTH} points before each request, p99`, series.growing.p99, series.sql.p99, 'ms', {
      target: { below: SERIES_TARGET_MS },
      note: `a running job's chart: ${SERIES_GROWTH} points stored by a plain INSERT (no summaries: the chart summarises the blocks they fill) before each of ${SERIES_REQUESTS} requests, the last buckets and new points read again, ${series.growing.statements.toFixed(1)} SQL statements per request (sign-in and job included); p50 ${series.growing.p50.toFixed(1)} ms; baseline: the plain SQL downsampling of the rows above (window functions over every point, nothing remembered)`,
    }),
  ];
}

async function measureSeries({ agent, url, userToken, client, newJobs }: Bench) {
  const [job] = await newJobs(1);
  const generateStart = performance.now();
  await insertSeries(client, job!.id, 1, SERIES_POINTS);
  // What autovacuum leaves after a large insert: statistics and a visibility map.
  await client.query('VACUUM ANALYZE "MetricPoint"');
  const generateSeconds = (performance.now() - generateStart) / 1000;

  const variables = { id: globalId('TrainingJob', job!.id), maxPoints: SERIES_MAX_POINTS };
  const request = async () => {
    type Series = { step: number; trainingLoss: number; validationLoss: number | null }[];
    const body = await postJson<{ trainingJob: { metrics: Series } }>(agent, `${url}/graphql`, { query: SERIES_QUERY, variables }, { authorization: `Bearer ${userToken}` });
    return body.data.trainingJob.metrics;
  };
  // The same work done plainly in SQL: cut the steps into maxPoints / 2 buckets, keep each bucket's lowest and
  // highest training loss and every validation point, in step order.
  const bucketSteps = Math.ceil(SERIES_POINTS / (SERIES_MAX_POINTS / 2));
  const sqlRequest = () =>
    client.query(
      `SELECT ${POINT_ROW_COLUMNS} FROM (
         SELECT p.*, row_number() OVER (PARTITION BY (step - 1) / $2 ORDER BY "trainingLoss", step) AS low,
                     row_number() OVER (PARTITION BY (step - 1) / $2 ORDER BY "trainingLoss" DESC, step) AS high
         FROM "MetricPoint" p WHERE "jobId" = $1) t
       WHERE low = 1 OR high = 1 OR "validationLoss" IS NOT NULL ORDER BY step`,
      [job!.id, bucketSteps],
    );

  let start = performance.now();
  const points = await request();
  const first = performance.now() - start;
  start = performance.now();
  await sqlRequest();
  const sqlFirst = performance.now() - start;
  const ours = await timeRequests(request);
  const sql = await timeRequests(sqlRequest, undefined, SERIES_BASELINE_RUNS);
  // A running job's chart: each request after a callback's worth of new points, which moves the last bucket.
  let next = SERIES_POINTS + 1;
  const growing = await timeRequests(request, () => {
    const from = next;
    next += SERIES_GROWTH;
    return insertSeries(client, job!.id, from, next - 1);
  });

  const steps = points.map((p) => p.step);
  const returned = new Set(steps);
  const spikes = Array.from({ length: Math.floor(SERIES_POINTS / SERIES_SPIKE_EVERY) }, (_, i) => (i + 1) * SERIES_SPIKE_EVERY);
  const validation = Array.from({ length: SERIES_POINTS / SERIES_VALIDATION_EVERY }, (_, i) => (i + 1) * SERIES_VALIDATION_EVERY);
  const spikesKept = spikes.filter((s) => returned.has(s)).length;
  const validationKept = validation.filter((s) => returned.has(s)).length;
  const ordered = steps.every((s, i) => i === 0 || s > steps[i - 1]!);
  const shapeKept =
    points.length <= SERIES_MAX_POINTS && ordered && steps[0] === 1 && steps.at(-1) === SERIES_POINTS && spikesKept === spikes.length && validationKept === validation.length;
  return {
    ours,
    sql,
    growing,
    first,
    sqlFirst,
    generateSeconds,
    returned: points.length,
    lastStep: steps.at(-1) ?? 0,
    spikes: spikes.length,
    spikesKept,
    validation: validation.length,
    validationKept,
    shapeKept,
  };
}

/** A decaying loss with noise, a cosine learning rate, planted spikes and validation points, for steps from…to. */
async function insertSeries(client: pg.Client, jobId: string, from: number, to: number): Promise<void> {
  await client.query(
    `INSERT INTO "MetricPoint" (${POINT_COLUMNS})
     SELECT $1::uuid, g, g / 333334.0,
       0.9 + 1.6 * exp(-g / 120000.0) + 0.04 * (random() - 0.5) + CASE WHEN g % ${SERIES_SPIKE_EVERY} = 0 THEN 1.5 ELSE 0 END,
       CASE WHEN g % ${SERIES_VALIDATION_EVERY} = 0 THEN 0.95 + 1.6 * exp(-g / 120000.0) END,
       0.0002 * (1 + cos(pi() * g / $4::float8)) / 2,
       0.35 + random() * 0.1,
       2400 + random() * 50,
       g::bigint * 4096,
       0.93,
       now() - ($4::int - g) * interval '50 milliseconds'
     FROM generate_series($2::int, $3::int) AS g`,
    [jobId, from, to, SERIES_POINTS],
  );
}

/**
 * p50 and p99 of `call` after a warm-up; `before` runs ahead of each call, untimed. `statements`: SQL statements the
 * server's pool sent per call, on average (work a callback left running may add a few).
 */
async function timeRequests(call: () => Promise<unknown>, before?: () => Promise<unknown>, runs = SERIES_REQUESTS): Promise<{ p50: number; p99: number; statements: number }> {
  for (let i = 0; i < SERIES_WARM_UP; i++) await call();
  const samples: number[] = [];
  let statements = 0;
  for (let i = 0; i < runs; i++) {
    await before?.();
    const sent = statementCounter.count;
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
    statements += statementCounter.count - sent;
  }
  return { ...percentiles(samples), statements: statements / runs };
}

// ---- (5) long series ----------------------------------------------------------------------------------------

/** (5) A 5 M-point job, loaded in chunks of whole blocks. */
const LONG_SERIES_POINTS = 5_000_000;
const LONG_SERIES_CHUNK = BLOCK * 7_813;
/** First requests timed, each after the server forgot what it remembers of the series (as a restart does). */
const LONG_SERIES_RESTARTS = 20;
const LONG_SERIES_FIRST_TARGET_MS = 100;
/** Running-chart requests, each after a callback of LONG_SERIES_GROWTH points; the baseline runs fewer. */
const LONG_SERIES_REQUESTS = 1000;
const LONG_SERIES_BASELINE_RUNS = 100;
const LONG_SERIES_GROWTH = 50;

async function longSeriesRows(bench: Bench): Promise<BenchRow[]> {
  const stage = { now: 'loading' };
  const long = await measureLongSeries(bench, stage).catch((err: Error) => {
    throw new Error(`long series, ${stage.now}: ${err.message}`, { cause: err });
  });
  const label = `metrics(maxPoints: ${SERIES_MAX_POINTS}) over ${LONG_SERIES_POINTS.toLocaleString('en')} points`;
  const baseline = `baseline: one SQL statement doing the same work over the same summaries (the job's MetricSpan rows that fit in one bucket, the MetricBlock rows of the other spans by an index range each, the points of blocks not summarised yet, grouped into the same ${long.buckets} buckets of ${long.perBucket} blocks, each bucket's lowest and highest training loss and every validation step, then those points read by their keys), sent from the bench's own connection, remembering nothing between runs`;
  return [
    row(`${label}, first request after a restart, worst of ${LONG_SERIES_RESTARTS}`, long.first.max, long.sqlFirst.max, 'ms', {
      target: { below: LONG_SERIES_FIRST_TARGET_MS },
      note: `over HTTP + GraphQL, each after the server forgot every remembered block and point (forgetRememberedSeries: what a restart loses; PostgreSQL's caches stay warm, as they do when only the server restarts); p50 ${long.first.p50.toFixed(1)} ms (baseline ${long.sqlFirst.p50.toFixed(1)} ms); ${baseline}; ${long.blocks.toLocaleString('en')} blocks and ${long.spans.toLocaleString('en')} spans of ${SPAN} blocks summarised as loaded (bulk INSERT … generate_series in chunks of whole blocks, each chunk then summarised by summariseStoredBlocks, the same INSERTs INTO "MetricBlock" and "MetricSpan" the ingest statement runs), ${long.loadSeconds.toFixed(0)} s, then VACUUM ANALYZE and a CHECKPOINT`,
      fail: !long.shapeKept,
    }),
    row(`${label}, running job's chart while callbacks arrive, p99`, long.growing.p99, long.sqlGrowing.p99, 'ms', {
      target: { below: SERIES_TARGET_MS },
      note: `${LONG_SERIES_REQUESTS} requests, each after a signed callback of ${LONG_SERIES_GROWTH} new points (its statement summarises the blocks and spans they fill; a validation point every 1,000 steps, and the growth, change the bucket width now and then, which moves every bucket), ${long.growing.statements.toFixed(1)} SQL statements per request (sign-in and job included); p50 ${long.growing.p50.toFixed(1)} ms; ${baseline}, ${LONG_SERIES_BASELINE_RUNS} runs after callbacks likewise, p50 ${long.sqlGrowing.p50.toFixed(1)} ms; ${long.returned} points returned, ${long.spikesKept}/${long.spikes} planted loss spikes and ${long.validationKept}/${long.validation} validation points kept`,
    }),
  ];
}

/** `stage.now` says which step is running, for an error's message. */
async function measureLongSeries({ agent, url, userToken, client, newJobs, callback }: Bench, stage: { now: string }) {
  const [job] = await newJobs(1);
  const jobId = job!.id;
  const loadStart = performance.now();
  for (let from = 1; from <= LONG_SERIES_POINTS; from += LONG_SERIES_CHUNK) {
    const to = Math.min(LONG_SERIES_POINTS, from + LONG_SERIES_CHUNK - 1);
    await insertSeries(client, jobId, from, to);
    await summariseStoredBlocks(jobId, from, to);
    stage.now = `loading, ${to.toLocaleString('en')} points stored`;
  }
  // A real database has statistics and a visibility map (autovacuum) on tables this size, and has long written out
  // the pages of points that took days to arrive: the checkpoint that the load's WAL starts would otherwise still be
  // writing them during the requests below (in two runs it held one of the 20 first requests at 107 and 118 ms).
  await client.query('VACUUM ANALYZE "MetricPoint", "MetricBlock", "MetricSpan"');
  await client.query('CHECKPOINT');
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const {
    rows: [counted],
  } = await client.query<{ blocks: number; spans: number }>(
    `SELECT (SELECT count(*)::int FROM "MetricBlock" WHERE "jobId" = $1) AS blocks, (SELECT count(*)::int FROM "MetricSpan" WHERE "jobId" = $1) AS spans`,
    [jobId],
  );

  const variables = { id: globalId('TrainingJob', jobId), maxPoints: SERIES_MAX_POINTS };
  const request = async () => {
    const body = await postJson<{ trainingJob: { metrics: { step: number }[] } }>(
      agent,
      `${url}/graphql`,
      { query: SERIES_QUERY, variables },
      { authorization: `Bearer ${userToken}` },
    );
    return body.data.trainingJob.metrics;
  };
  // The buckets downsample.ts makes over this series (every validation point fits in a quarter of the budget).
  const validation = Array.from({ length: LONG_SERIES_POINTS / SERIES_VALIDATION_EVERY }, (_, i) => (i + 1) * SERIES_VALIDATION_EVERY);
  const buckets = Math.floor((SERIES_MAX_POINTS - 2 - validation.length) / 2);
  const perBucket = Math.ceil(LONG_SERIES_POINTS / BLOCK / buckets);
  // The same reads and aggregation as the server's, in one statement and with nothing remembered between runs.
  const sqlRequest = () =>
    client.query(
      `WITH summarised AS (SELECT coalesce(max(block) + 1, 0) AS blocks FROM "MetricBlock" WHERE "jobId" = $1),
       spanned AS (SELECT coalesce(max(span) + 1, 0) AS spans FROM "MetricSpan" WHERE "jobId" = $1),
       whole AS (
         SELECT span, "lowLoss", "lowStep", "highLoss", "highStep" FROM "MetricSpan"
         WHERE "jobId" = $1 AND (span * ${SPAN}) / $2 = (span * ${SPAN} + ${SPAN - 1}) / $2
       ),
       -- Blocks not summarised yet (the tail still filling), from their points: an index range each.
       tail AS (
         SELECT b AS block, p.* FROM generate_series((SELECT blocks FROM summarised), (SELECT (max(step) - 1) / ${BLOCK} FROM "MetricPoint" WHERE "jobId" = $1)) AS b
         CROSS JOIN LATERAL (
           SELECT min(ARRAY[coalesce("trainingLoss", 'Infinity'), step]) AS low, max(ARRAY[coalesce("trainingLoss", '-Infinity'), step]) AS high,
                  array_agg(step) FILTER (WHERE "validationLoss" IS NOT NULL) AS validation
           FROM "MetricPoint" WHERE "jobId" = $1 AND step BETWEEN b * ${BLOCK} + 1 AND b * ${BLOCK} + ${BLOCK}
         ) AS p
         WHERE p.low IS NOT NULL
       ),
       blocks AS (
         SELECT span * ${SPAN} AS block, "lowLoss", "lowStep", "highLoss", "highStep" FROM whole
         UNION ALL
         SELECT b.* FROM generate_series(0, (SELECT (blocks - 1) / ${SPAN} FROM summarised)) AS s
         CROSS JOIN LATERAL (
           SELECT block, "lowLoss", "lowStep", "highLoss", "highStep" FROM "MetricBlock"
           WHERE "jobId" = $1 AND block BETWEEN s * ${SPAN} AND s * ${SPAN} + ${SPAN - 1} OFFSET 0
         ) AS b
         WHERE NOT EXISTS (SELECT 1 FROM whole WHERE whole.span = s)
         UNION ALL
         SELECT block, low[1], low[2]::int, high[1], high[2]::int FROM tail
       ),
       buckets AS (SELECT min(ARRAY["lowLoss", "lowStep"]) AS low, max(ARRAY["highLoss", "highStep"]) AS high FROM blocks GROUP BY block / $2),
       steps AS (
         SELECT low[2]::int AS step FROM buckets UNION SELECT high[2]::int FROM buckets
         UNION SELECT unnest("validationSteps") FROM "MetricSpan" WHERE "jobId" = $1
         UNION SELECT unnest(m."validationSteps") FROM generate_series((SELECT spans * ${SPAN} FROM spanned), (SELECT blocks - 1 FROM summarised)) AS b
           CROSS JOIN LATERAL (SELECT "validationSteps" FROM "MetricBlock" WHERE "jobId" = $1 AND block = b) AS m
         UNION SELECT unnest(validation) FROM tail
       )
       SELECT ${POINT_ROW_COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 AND step = ANY(ARRAY(SELECT step FROM steps)) ORDER BY step`,
      [jobId, perBucket],
    );

  const restarts = async (call: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < LONG_SERIES_RESTARTS; i++) {
      forgetRememberedSeries();
      const start = performance.now();
      await call();
      samples.push(performance.now() - start);
    }
    return { p50: percentiles(samples).p50, max: Math.max(...samples) };
  };
  stage.now = 'first requests';
  forgetRememberedSeries();
  const points = await request();
  const first = await restarts(request);
  stage.now = 'first requests, baseline';
  const sqlFirst = await restarts(sqlRequest);

  // A running job's chart: a callback's worth of new points through the server's ingest, then a request.
  let next = LONG_SERIES_POINTS + 1;
  const arrive = async () => {
    await callback(job!, eventBody(job!, pointsFrom(next, LONG_SERIES_GROWTH)));
    next += LONG_SERIES_GROWTH;
  };
  stage.now = 'running chart';
  const growing = await timeRequests(request, arrive, LONG_SERIES_REQUESTS);
  stage.now = 'running chart, baseline';
  const sqlGrowing = await timeRequests(sqlRequest, arrive, LONG_SERIES_BASELINE_RUNS);

  const steps = points.map((p) => p.step);
  const returned = new Set(steps);
  const spikes = Array.from({ length: Math.floor(LONG_SERIES_POINTS / SERIES_SPIKE_EVERY) }, (_, i) => (i + 1) * SERIES_SPIKE_EVERY);
  const spikesKept = spikes.filter((s) => returned.has(s)).length;
  const validationKept = validation.filter((s) => returned.has(s)).length;
  const ordered = steps.every((s, i) => i === 0 || s > steps[i - 1]!);
  const shapeKept =
    points.length <= SERIES_MAX_POINTS && ordered && steps[0] === 1 && steps.at(-1) === LONG_SERIES_POINTS && spikesKept === spikes.length && validationKept === validation.length;
  return {
    first,
    sqlFirst,
    growing,
    sqlGrowing,
    loadSeconds,
    blocks: counted!.blocks,
    spans: counted!.spans,
    buckets,
    perBucket,
    returned: points.length,
    spikes: spikes.length,
    spikesKept,
    validation: validation.length,
    validationKept,
    shapeKept,
  };
}

// ---- (4) memory ---------------------------------------------------------------------------------------------

interface MemorySample {
  rss: number;
  heap: number;
}
interface MemorySeries {
  start: MemorySample;
  max: MemorySample;
  end: MemorySample;
}

async function memoryRows(bench: Bench): Promise<BenchRow[]> {
  const memory = await measureMemory(bench);
  const fmt = (s: MemorySeries, key: 'rss' | 'heap') => `${(s.start[key] / MB).toFixed(1)} → max ${(s.max[key] / MB).toFixed(1)} → end ${(s.end[key] / MB).toFixed(1)} MB`;
  const rssGrowth = (s: MemorySeries) => (s.max.rss - s.start.rss) / MB;
  const heapGrowth = (s: MemorySeries) => (s.end.heap - s.start.heap) / MB;
  return [
    row(
      `server RSS growth, subscriber paused ${MEMORY_SECONDS} s at ${MEMORY_CALLBACKS_PER_SECOND * MEMORY_POINTS_PER_CALLBACK} points/s (max − start)`,
      rssGrowth(memory.paused),
      rssGrowth(memory.idle),
      'MB',
      {
        target: { custom: `≤ baseline + ${MEMORY_RSS_BOUND_MB} MB`, pass: rssGrowth(memory.paused) <= rssGrowth(memory.idle) + MEMORY_RSS_BOUND_MB },
        note: `RSS ${fmt(memory.paused, 'rss')} (baseline, no subscriber: ${fmt(memory.idle, 'rss')}); sampled every ${MEMORY_SAMPLE_SECONDS} s after a full GC`,
      },
    ),
    row('server heap after GC, end − start (same run)', heapGrowth(memory.paused), heapGrowth(memory.idle), 'MB', {
      target: { custom: `≤ baseline + ${MEMORY_HEAP_BOUND_MB} MB`, pass: heapGrowth(memory.paused) <= heapGrowth(memory.idle) + MEMORY_HEAP_BOUND_MB },
      note: `heap ${fmt(memory.paused, 'heap')} (baseline ${fmt(memory.idle, 'heap')}); ${memory.resume}`,
      fail: !memory.resumedWhole,
    }),
  ];
}

async function measureMemory({
  wsUrl,
  userToken,
  services,
  newJobs,
  callback,
}: Bench): Promise<{ idle: MemorySeries; paused: MemorySeries; resume: string; resumedWhole: boolean }> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const sample = (): MemorySample => {
    gc();
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed };
  };
  const [idleJob, pausedJob] = await newJobs(2);
  const total = MEMORY_SECONDS * MEMORY_CALLBACKS_PER_SECOND * MEMORY_POINTS_PER_CALLBACK;

  /** 100 points/s for 60 s as 10 callbacks of 10 points a second; memory sampled every 5 s, `tick` every callback. */
  const stream = async (job: BenchJob, tick: (elapsedMs: number) => void = () => {}): Promise<MemorySeries> => {
    const samples = [sample()];
    const posts: Promise<void>[] = [];
    const start = performance.now();
    const callbacks = MEMORY_SECONDS * MEMORY_CALLBACKS_PER_SECOND;
    for (let i = 0; i < callbacks; i++) {
      const wait = start + (i * 1000) / MEMORY_CALLBACKS_PER_SECOND - performance.now();
      if (wait > 0) await sleep(wait);
      const points = Array.from({ length: MEMORY_POINTS_PER_CALLBACK }, (_, k) => metricPoint(i * MEMORY_POINTS_PER_CALLBACK + k + 1));
      posts.push(callback(job, eventBody(job, points)));
      tick(performance.now() - start);
      if ((i + 1) % (MEMORY_SAMPLE_SECONDS * MEMORY_CALLBACKS_PER_SECOND) === 0) samples.push(sample());
    }
    await Promise.all(posts);
    samples.push(sample());
    return {
      start: samples[0]!,
      max: { rss: Math.max(...samples.map((s) => s.rss)), heap: Math.max(...samples.map((s) => s.heap)) },
      end: samples.at(-1)!,
    };
  };

  const idle = await stream(idleJob!);

  // The paused subscriber: graphql-transport-ws by hand, then its socket stops being read. graphql-ws pings every
  // 12 s and drops a connection whose pong does not come back, so the server lets go of it by itself; once the
  // client reads again it finds the connection closed and resumes with afterStep, as the web client does.
  const steps: number[] = [];
  const first = await rawSubscription(wsUrl, userToken, pausedJob!.id, 0, steps);
  let second: RawSubscription | null = null;
  try {
    await until(() => services.metricFeeds.activeSubscribers === 1, 10_000, 'the paused subscriber to be subscribed');
    const socket = first.socket;
    const clientPort = socket.localPort!;
    socket.pause();
    let queued = 'kernel queues not measured';
    let droppedAtMs: number | null = null;
    const paused = await stream(pausedJob!, (elapsed) => {
      if (queued === 'kernel queues not measured' && elapsed >= 10_000) queued = kernelQueues(clientPort);
      if (droppedAtMs === null && services.metricFeeds.activeSubscribers === 0) droppedAtMs = elapsed;
    });
    const framesBefore = first.frames();
    socket.resume();
    const resumeStart = performance.now();
    const drained = await Promise.race([
      first.closed.then((code) => `closed (${code})`),
      until(() => steps.at(-1) === total, 30_000, 'catch-up').then(
        () => 'open',
        () => 'open but stuck',
      ),
    ]);
    let resumed = `${first.frames() - framesBefore} frames were still queued for it`;
    if (drained !== 'open' && steps.at(-1) !== total) {
      second = await rawSubscription(wsUrl, userToken, pausedJob!.id, steps.at(-1) ?? 0, steps);
      await until(() => steps.at(-1) === total, 30_000, 'the resumed subscriber to catch up').catch(() => {});
      resumed += `, then the connection was found ${drained}: resubscribed with afterStep ${second.afterStep.toLocaleString('en')} and got ${second.frames()} frames`;
    }
    const catchUp = performance.now() - resumeStart;
    const whole = steps.length === total && steps.every((s, i) => s === i + 1);
    const dropped =
      droppedAtMs === null
        ? 'the server kept the paused subscription for the whole run'
        : `the server dropped the paused connection ${(droppedAtMs / 1000).toFixed(0)} s after it stopped reading (keep-alive ping unanswered)`;
    const resume =
      `${queued} (10 s after the pause); ${dropped}; on resuming: ${resumed}; ` +
      (whole ? `every one of ${total.toLocaleString('en')} steps once, in order, ${Math.round(catchUp)} ms after resuming` : `got ${steps.length} of ${total} steps (NOT whole)`);
    return { idle, paused, resume, resumedWhole: whole };
  } finally {
    first.ws.terminate();
    second?.ws.terminate();
    await until(() => services.metricFeeds.activeSubscribers === 0, 10_000, 'the paused subscriber to be released').catch(() => {});
  }
}

interface RawSubscription {
  ws: WebSocket;
  socket: import('node:net').Socket;
  afterStep: number;
  frames(): number;
  /** Resolves with the close code. */
  closed: Promise<number>;
}

/** trainingMetrics over graphql-transport-ws by hand, appending each received step to `steps`. */
async function rawSubscription(wsUrl: string, token: string, jobId: string, afterStep: number, steps: number[]): Promise<RawSubscription> {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
  let frames = 0;
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; payload?: { data: { trainingMetrics: { points: { step: number }[] } } } };
      if (message.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { jobId: globalId('TrainingJob', jobId), afterStep } } }));
        resolve();
      } else if (message.type === 'next') {
        frames++;
        for (const p of message.payload!.data.trainingMetrics.points) steps.push(p.step);
      }
    });
  });
  const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
  return { ws, socket, afterStep, frames: () => frames, closed };
}

/** Bytes the kernel holds for the paused connection: the client's receive queue and the server's send queue. */
function kernelQueues(clientPort: number): string {
  try {
    const lines = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${clientPort} or dport = :${clientPort} )`])
      .toString()
      .trim()
      .split('\n');
    let recv = 0;
    let send = 0;
    for (const line of lines) {
      const [recvQ, sendQ, local] = line.trim().split(/\s+/);
      if (local?.endsWith(`:${clientPort}`)) recv += Number(recvQ);
      else send += Number(sendQ);
    }
    return `when resumed the kernel held ${Math.round(recv / 1024)} KiB unread at the client and ${Math.round(send / 1024)} KiB unsent at the server`;
  } catch {
    return 'kernel queues not measured (no ss)';
  }
}

// ---- shared -------------------------------------------------------------------------------------------------

/** A point as a trainer logs it; the values vary with the step so nothing compresses to a constant. */
function metricPoint(step: number): ProviderMetricPoint {
  const loss = 0.9 + 1.6 * Math.exp(-step / 4000) + 0.02 * Math.sin(step * 12.9898);
  return {
    step,
    epoch: Math.round((step / 3000) * 1e4) / 1e4,
    trainingLoss: Math.round(loss * 1e4) / 1e4,
    validationLoss: step % 1000 === 0 ? Math.round((loss + 0.05) * 1e4) / 1e4 : null,
    learningRate: Number((0.0002 * (0.5 + 0.5 * Math.cos(step / 10000))).toPrecision(6)),
    gradNorm: Math.round((0.4 + 0.05 * Math.sin(step)) * 1e4) / 1e4,
    throughput: 2400 + (step % 50),
    tokensTrained: step * 4096,
    gpuUtilization: 0.93,
    recordedAt: new Date().toISOString(),
  };
}

/** `count` consecutive points from `step`. */
export function pointsFrom(step: number, count: number): ProviderMetricPoint[] {
  return Array.from({ length: count }, (_, i) => metricPoint(step + i));
}

export function eventBody(job: BenchJob, points: ProviderMetricPoint[]): string {
  return eventBodyFromJson(job, JSON.stringify(points), points.at(-1)!);
}

/** A ProviderEvent (server/gpu/provider.ts) around already serialised points. */
function eventBodyFromJson(job: BenchJob, pointsJson: string, last: ProviderMetricPoint): string {
  return (
    `{"deliveryId":"${randomUUID()}","externalId":"${job.externalId}","jobId":"${job.id}","state":"RUNNING","stage":"TRAINING",` +
    `"step":${last.step},"totalSteps":${SERIES_POINTS},"epoch":${last.epoch},"points":${pointsJson},"artifacts":[],"error":null,"sentAt":"${new Date().toISOString()}"}`
  );
}

export async function insertDataset(client: pg.Client, ownerId: string): Promise<string> {
  const id = randomUUID();
  const statistics = DATASET_STATISTICS;
  await client.query(
    `INSERT INTO "Dataset" (id, "ownerId", name, "baseModelId", "fileName", "fileSize", "contentType", "storagePath", status, statistics, "validatedAt")
     VALUES ($1, $2, 'bench metrics data', $3, 'train.jsonl', 1000000, 'application/jsonl', $4, 'READY', $5, now())`,
    [id, ownerId, DEFAULT_BASE_MODEL_ID, `${ownerId}/${id}/train.jsonl`, JSON.stringify(statistics)],
  );
  return id;
}

/** RUNNING jobs as the submit worker leaves them, with the external id callbacks are matched against. */
export async function insertRunningJobs(client: pg.Client, ownerId: string, datasetId: string, count: number): Promise<{ id: string; externalId: string }[]> {
  const { rows } = await client.query<{ id: string; externalJobId: string }>(
    `INSERT INTO "TrainingJob" (id, "ownerId", "datasetId", name, "presetId", "baseModelId", hyperparameters, "gpuType", "gpuCount",
       status, stage, progress, "totalEpochs", "totalSteps", estimate, "estimatedCost", provider, "externalJobId", "startedAt", "lastHeartbeatAt")
     SELECT gen_random_uuid(), $1, $2, 'bench metrics ' || i, 'balanced', $3,
       '{"epochs":3,"learningRate":0.0002,"batchSize":8,"loraRank":16,"loraAlpha":32,"loraDropout":0.1,"maxSeqLength":2048,"warmupRatio":0.03,"gradientAccumulation":1,"quantization":"NF4"}'::jsonb,
       'A100-80GB', 1, 'RUNNING', 'TRAINING', 0, 3, $4, '{"tokensToTrain":3000000,"steps":1000000,"costUsd":"1.75"}'::jsonb, 1.75,
       'simulated', 'bench-' || gen_random_uuid(), now(), now()
     FROM generate_series(1, $5::int) AS i
     RETURNING id, "externalJobId"`,
    [ownerId, datasetId, DEFAULT_BASE_MODEL_ID, SERIES_POINTS, count],
  );
  return rows.map((r) => ({ id: r.id, externalId: r.externalJobId }));
}

export function post(agent: http.Agent, url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function postJson<Data>(agent: http.Agent, url: string, payload: unknown, headers: Record<string, string>): Promise<{ data: Data }> {
  const res = await post(agent, url, JSON.stringify(payload), headers);
  const body = JSON.parse(res.body) as { data?: Data; errors?: unknown[] };
  if (res.status !== 200 || body.errors || !body.data) throw new Error(`GraphQL error (${res.status}): ${res.body.slice(0, 500)}`);
  return { data: body.data };
}

export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

export function percentiles(samples: number[]): { p50: number; p99: number } {
  if (samples.length === 0) return { p50: NaN, p99: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

type Target = { below: number } | { atLeast: number } | { custom: string; pass: boolean };

export function row(figure: string, ours: number, baseline: number | null, unit: string, options: { target?: Target; note?: string; fail?: boolean } = {}): BenchRow {
  const { target, note, fail } = options;
  let check: Pick<BenchRow, 'target' | 'pass'> = {};
  if (target && 'below' in target) check = { target: `< ${target.below} ${unit}`, pass: ours < target.below };
  else if (target && 'atLeast' in target) check = { target: `≥ ${target.atLeast.toLocaleString('en')} ${unit}`, pass: ours >= target.atLeast };
  else if (target) check = { target: target.custom, pass: target.pass };
  if (fail) check = { target: check.target ?? 'whole and in order', pass: false };
  return { figure, ours, baseline, unit, ratio: baseline ? ours / baseline : null, ...check, ...(note ? { note } : {}) };
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const named = process.argv.slice(2);
  const unknown = named.filter((name) => !(PHASES as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`unknown phase ${unknown.join(', ')}; phases: ${PHASES.join(', ')}`);
  console.log(formatBenchRows(await runMetricsBench(named.length ? (named as Phase[]) : undefined)));
}
