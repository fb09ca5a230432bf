// Live metric points for subscribers, fanned out per process: one pubsub
// listener and one database read per new batch and job, however many
// subscribers watch it. A subscriber reads points after the last step it was
// sent, so a replay and the live stream join with no gap and no duplicate,
// and a slow subscriber holds no queue (it just reads further next time).
import type { AppPubSub } from '../events/pubsub.js';
import { pointsAfter, type MetricPointRow } from './metric-store.js';
import { pool } from '../db/client.js';

/** Points kept per job in memory for subscribers that are close to live. */
const RING_SIZE = 4096;
/** How long a gap in steps may stay open before later points are sent anyway (a lost point the poll may never find). */
export const GAP_GRACE_MS = 5000;
export const MAX_BATCH = 500;

interface Feed {
  points: MetricPointRow[];
  waiters: Set<() => void>;
  refs: number;
  stop: () => Promise<void>;
  refreshing: Promise<void>;
}

export class MetricFeedHub {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly pubsub: AppPubSub) {}

  /** Subscribers currently watching, for /metrics. */
  get activeSubscribers(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.refs;
    return n;
  }

  private open(jobId: string): Feed {
    const existing = this.feeds.get(jobId);
    if (existing) {
      existing.refs++;
      return existing;
    }
    const events = this.pubsub.subscribe('trainingMetrics', jobId);
    // A status change may mean the job ended: subscribers check and complete.
    const updates = this.pubsub.subscribe('trainingJobUpdated', jobId);
    const feed: Feed = {
      points: [],
      waiters: new Set(),
      refs: 1,
      stop: async () => void (await Promise.all([events.return(), updates.return()])),
      refreshing: Promise.resolve(),
    };
    this.feeds.set(jobId, feed);
    void (async () => {
      for await (const _ of updates) for (const wake of [...feed.waiters]) wake();
    })();
    void (async () => {
      for await (const event of events) {
        feed.refreshing = feed.refreshing.then(() => this.refresh(jobId, feed, event.fromStep, event.toStep)).catch(() => {});
        await feed.refreshing;
        for (const wake of [...feed.waiters]) wake();
      }
    })();
    return feed;
  }

  private async refresh(jobId: string, feed: Feed, fromStep: number, toStep: number): Promise<void> {
    const { rows } = await pool.query<MetricPointRow>(
      `SELECT step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained"::float8 AS "tokensTrained", "gpuUtilization", "recordedAt"
       FROM "MetricPoint" WHERE "jobId" = $1 AND step BETWEEN $2 AND $3 ORDER BY step`,
      [jobId, fromStep, toStep],
    );
    const byStep = new Map(feed.points.map((p) => [p.step, p]));
    for (const row of rows) byStep.set(row.step, row);
    feed.points = [...byStep.values()].sort((a, b) => a.step - b.step).slice(-RING_SIZE);
  }

  private release(feed: Feed) {
    if (--feed.refs > 0) return;
    for (const [jobId, f] of this.feeds) if (f === feed) this.feeds.delete(jobId);
    void feed.stop();
  }

  /**
   * Batches of points with step > afterStep, in order, each step once, for as
   * long as the consumer pulls. Ends when `isFinished` says the job is over and
   * every stored point has been sent.
   */
  async *watch(jobId: string, afterStep: number, isFinished: () => Promise<boolean>): AsyncGenerator<MetricPointRow[]> {
    const feed = this.open(jobId);
    let lastSent = afterStep;
    try {
      for (;;) {
        // Arm the wake-up before reading, so a batch landing in between is not missed.
        let wake = () => {};
        const woken = new Promise<void>((resolve) => (wake = resolve));
        feed.waiters.add(wake);
        const batch = releasable(await this.read(feed, jobId, lastSent), lastSent);
        if (batch.length > 0) {
          feed.waiters.delete(wake);
          lastSent = batch.at(-1)!.step;
          yield batch;
          continue;
        }
        if (await isFinished()) {
          const rest = await pointsAfter(jobId, lastSent, MAX_BATCH);
          feed.waiters.delete(wake);
          if (rest.length === 0) return;
          lastSent = rest.at(-1)!.step;
          yield rest;
          continue;
        }
        await Promise.race([woken, new Promise((r) => setTimeout(r, GAP_GRACE_MS))]);
        feed.waiters.delete(wake);
      }
    } finally {
      this.release(feed);
    }
  }

  /** From memory when the ring covers lastSent, else from the database (a replay or a slow subscriber). */
  private async read(feed: Feed, jobId: string, lastSent: number): Promise<MetricPointRow[]> {
    const first = feed.points[0];
    if (first && first.step <= lastSent + 1) {
      const start = feed.points.findIndex((p) => p.step > lastSent);
      return start < 0 ? [] : feed.points.slice(start, start + MAX_BATCH);
    }
    return pointsAfter(jobId, lastSent, MAX_BATCH);
  }
}

/** The points that may go out now: consecutive steps, or past a gap that has stayed open too long. */
function releasable(points: MetricPointRow[], lastSent: number): MetricPointRow[] {
  const out: MetricPointRow[] = [];
  let expected = lastSent + 1;
  for (const p of points) {
    if (p.step !== expected && Date.now() - new Date(p.recordedAt).getTime() < GAP_GRACE_MS) break;
    out.push(p);
    expected = p.step + 1;
  }
  return out;
}
