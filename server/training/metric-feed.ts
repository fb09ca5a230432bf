// Live metric points for subscribers, fanned out per process: one pubsub
// listener and at most one database read at a time per job (announcements
// that arrive meanwhile are merged), however many subscribers watch it. A
// subscriber reads points after the last step it was sent, so a replay and
// the live stream join with no gap and no duplicate, and a slow subscriber
// holds no queue (it just reads further next time).
import type { AppPubSub } from '../events/pubsub.js';
import { pointsAfter, type MetricPointRow } from './metric-store.js';
import { pool } from '../db/client.js';

/** Points kept per job in memory for subscribers that are close to live. */
const RING_SIZE = 4096;
/** How long a gap in steps may stay open before later points are sent anyway (a lost point the poll may never find). */
export const GAP_GRACE_MS = 5000;
export const MAX_BATCH = 500;
/** Subscribers woken per turn of the event loop. */
const WAKE_CHUNK = 50;
/** How long one answer to "has the job ended?" serves every subscriber of a job, when no job update came in between. */
const FINISHED_CHECK_MS = 1000;

/** One frame of a subscription: new points in step order. Subscribers at the same step get the same object. */
export interface MetricBatch {
  jobId: string;
  points: MetricPointRow[];
}

interface Feed {
  points: MetricPointRow[];
  /** Batches read from the ring, by the step they follow; emptied when the ring changes. */
  batches: Map<number, MetricBatch>;
  waiters: Set<() => void>;
  refs: number;
  stop: () => Promise<void>;
  /** Step ranges announced but not read yet: announcements that arrive during a read join the next one. */
  pending: { from: number; to: number }[];
  refreshing: boolean;
  /** Job updates seen: a status check made before the latest one may be stale. */
  updates: number;
  checking: boolean;
  finishedCheck: { updates: number; at: number; result: Promise<boolean> } | null;
  /** A subscriber's "has the job ended?", asked on the feed's behalf when the job is updated. */
  isFinished: (() => Promise<boolean>) | null;
}

export class MetricFeedHub {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly pubsub: AppPubSub) {
    // Announcements published while the listener was away are lost: forget what
    // the rings hold, so subscribers read from the database, which has it all.
    pubsub.onReconnect(() => {
      for (const feed of this.feeds.values()) {
        feed.points = [];
        feed.batches.clear();
        wakeAll(feed);
      }
    });
  }

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
    // Now and then every waiting subscriber looks again, in case a wake-up was lost with a connection.
    const ticker = setInterval(() => wakeAll(feed), GAP_GRACE_MS).unref();
    const feed: Feed = {
      points: [],
      batches: new Map(),
      waiters: new Set(),
      refs: 1,
      stop: async () => {
        clearInterval(ticker);
        await Promise.all([events.return(), updates.return()]);
      },
      pending: [],
      refreshing: false,
      updates: 0,
      checking: false,
      finishedCheck: null,
      isFinished: null,
    };
    this.feeds.set(jobId, feed);
    void (async () => {
      for await (const _ of updates) {
        feed.updates++;
        void this.checkFinished(feed);
      }
    })();
    void (async () => {
      for await (const event of events) {
        feed.pending.push({ from: event.fromStep, to: event.toStep });
        void this.refreshAll(jobId, feed);
      }
    })();
    return feed;
  }

  /**
   * Reads what was announced, one query at a time per job, then wakes the subscribers. Announcements that arrive
   * meanwhile are read together next, so a slow database delays the next read but never builds a queue of reads.
   */
  private async refreshAll(jobId: string, feed: Feed): Promise<void> {
    if (feed.refreshing) return;
    feed.refreshing = true;
    try {
      while (feed.pending.length > 0) {
        const ranges = feed.pending;
        feed.pending = [];
        await this.refresh(jobId, feed, ranges).catch(() => {});
        wakeAll(feed);
      }
    } finally {
      feed.refreshing = false;
    }
  }

  private async refresh(jobId: string, feed: Feed, announced: { from: number; to: number }[]): Promise<void> {
    // Disjoint ranges, so no point is read twice.
    const ranges: { from: number; to: number }[] = [];
    for (const r of [...announced].sort((a, b) => a.from - b.from)) {
      const last = ranges.at(-1);
      if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
      else ranges.push({ ...r });
    }
    // Newest range first, and only as many points as the ring keeps: older ones could not stay in it.
    const rows: MetricPointRow[] = [];
    for (let i = ranges.length - 1; i >= 0 && rows.length < RING_SIZE; i--) {
      const result = await pool.query<MetricPointRow>(
        `SELECT step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained"::float8 AS "tokensTrained", "gpuUtilization", "recordedAt"
         FROM "MetricPoint" WHERE "jobId" = $1 AND step BETWEEN $2 AND $3 ORDER BY step DESC LIMIT $4`,
        [jobId, ranges[i]!.from, ranges[i]!.to, RING_SIZE - rows.length],
      );
      rows.push(...result.rows);
    }
    if (rows.length === 0) return;
    rows.reverse();
    const last = feed.points.at(-1);
    if (!last || rows[0]!.step > last.step) {
      // The usual case, points arriving in order: append.
      feed.points.push(...rows);
    } else {
      const byStep = new Map(feed.points.map((p) => [p.step, p]));
      for (const row of rows) byStep.set(row.step, row);
      feed.points = [...byStep.values()].sort((a, b) => a.step - b.step);
    }
    if (feed.points.length > RING_SIZE) feed.points = feed.points.slice(-RING_SIZE);
    feed.batches.clear();
  }

  /**
   * On a job update, asks once whether the job has ended and wakes the subscribers only if it has: updates come
   * with every callback, and waking a thousand subscribers to find nothing new costs as much as a batch.
   */
  private async checkFinished(feed: Feed): Promise<void> {
    if (feed.checking || !feed.isFinished) return;
    feed.checking = true;
    try {
      for (let seen = -1; seen !== feed.updates; ) {
        seen = feed.updates;
        if (await this.finished(feed, feed.isFinished).catch(() => true)) wakeAll(feed);
      }
    } finally {
      feed.checking = false;
    }
  }

  private release(feed: Feed) {
    if (--feed.refs > 0) return;
    for (const [jobId, f] of this.feeds) if (f === feed) this.feeds.delete(jobId);
    void feed.stop();
  }

  /**
   * Batches of points with step > afterStep, in order, each step once, for as
   * long as the consumer pulls. Ends when `isFinished` says the job is over and
   * every stored point has been sent. `return()` lets the job go at once, even
   * while waiting for the next point.
   */
  watch(jobId: string, afterStep: number, isFinished: () => Promise<boolean>): AsyncIterableIterator<MetricBatch> {
    const stop = { closed: false, wake: () => {} };
    const batches = this.batches(jobId, afterStep, isFinished, stop);
    return {
      next: () => batches.next(),
      return: (value?: unknown) => {
        stop.closed = true;
        stop.wake();
        return batches.return(value as undefined);
      },
      throw: (err?: unknown) => batches.throw(err),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private async *batches(jobId: string, afterStep: number, isFinished: () => Promise<boolean>, stop: { closed: boolean; wake: () => void }): AsyncGenerator<MetricBatch> {
    const feed = this.open(jobId);
    feed.isFinished ??= isFinished;
    let lastSent = afterStep;
    let gap: { step: number; since: number } | null = null;
    try {
      while (!stop.closed) {
        // Arm the wake-up before reading, so a batch landing in between is not missed.
        let wake = () => {};
        const woken = new Promise<void>((resolve) => (wake = resolve));
        stop.wake = wake;
        feed.waiters.add(wake);
        let read = await this.read(feed, jobId, lastSent);
        // A hole in the ring may only be a lost announcement: the database has every stored point.
        if (read.points.length > 0 && read.points[0]!.step !== lastSent + 1 && feed.points[0] && feed.points[0].step <= lastSent + 1) {
          read = { jobId, points: await pointsAfter(jobId, lastSent, MAX_BATCH) };
        }
        const released = releasable(read.points, lastSent, gap);
        gap = released.gap;
        if (released.count > 0) {
          feed.waiters.delete(wake);
          const batch = released.count === read.points.length ? read : { jobId, points: read.points.slice(0, released.count) };
          lastSent = batch.points.at(-1)!.step;
          yield batch;
          continue;
        }
        if (await this.finished(feed, isFinished)) {
          const rest = await pointsAfter(jobId, lastSent, MAX_BATCH);
          feed.waiters.delete(wake);
          if (rest.length === 0) return;
          lastSent = rest.at(-1)!.step;
          yield { jobId, points: rest };
          continue;
        }
        // At a gap, wake when its grace ends; otherwise a new batch, a job update or the feed's ticker wakes it.
        const timer = gap ? setTimeout(wake, GAP_GRACE_MS - (Date.now() - gap.since)) : null;
        await woken;
        if (timer) clearTimeout(timer);
        feed.waiters.delete(wake);
      }
    } finally {
      this.release(feed);
    }
  }

  /**
   * Whether the job has ended, asked once for all of its subscribers: a query per subscriber per batch would
   * cost a thousand queries a batch at a thousand subscribers. A job update (which is how an ending arrives) or
   * FINISHED_CHECK_MS passing makes the next caller ask again.
   */
  private finished(feed: Feed, isFinished: () => Promise<boolean>): Promise<boolean> {
    const check = feed.finishedCheck;
    if (check && check.updates === feed.updates && performance.now() - check.at < FINISHED_CHECK_MS) return check.result;
    const result = isFinished();
    feed.finishedCheck = { updates: feed.updates, at: performance.now(), result };
    result.catch(() => {
      if (feed.finishedCheck?.result === result) feed.finishedCheck = null;
    });
    return result;
  }

  /**
   * From memory when the ring covers lastSent (one batch object per position, shared by the subscribers there),
   * else from the database (a replay or a slow subscriber).
   */
  private async read(feed: Feed, jobId: string, lastSent: number): Promise<MetricBatch> {
    const { points } = feed;
    const first = points[0];
    if (!first || first.step > lastSent + 1) return { jobId, points: await pointsAfter(jobId, lastSent, MAX_BATCH) };
    const cached = feed.batches.get(lastSent);
    if (cached) return cached;
    // Binary search for the first point after lastSent: the ring is in step order.
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]!.step > lastSent) hi = mid;
      else lo = mid + 1;
    }
    const batch = { jobId, points: points.slice(lo, lo + MAX_BATCH) };
    feed.batches.set(lastSent, batch);
    return batch;
  }
}

/**
 * Wakes the waiting subscribers WAKE_CHUNK at a time, yielding to I/O in between: each one woken sends a frame
 * in the same turn of the event loop, and a thousand frames at once would hold back the callbacks bringing the
 * next points (which then queue up instead of joining the next frames).
 */
function wakeAll(feed: Feed): void {
  const waiters = [...feed.waiters];
  const wakeFrom = (start: number) => {
    for (let i = start; i < Math.min(waiters.length, start + WAKE_CHUNK); i++) waiters[i]!();
    if (start + WAKE_CHUNK < waiters.length) setImmediate(wakeFrom, start + WAKE_CHUNK);
  };
  wakeFrom(0);
}

/**
 * How many of the points may go out now: consecutive steps, or past a gap
 * this subscriber has been waiting at for GAP_GRACE_MS (timed from when it
 * first saw the gap, not from the points' own timestamps, which after an
 * outage are all old). `gap` remembers where and since when the subscriber waits.
 */
function releasable(points: MetricPointRow[], lastSent: number, gap: { step: number; since: number } | null): { count: number; gap: { step: number; since: number } | null } {
  let expected = lastSent + 1;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.step !== expected) {
      const waiting = gap?.step === expected ? gap : { step: expected, since: Date.now() };
      if (Date.now() - waiting.since < GAP_GRACE_MS) return { count: i, gap: waiting };
    }
    expected = p.step + 1;
  }
  return { count: points.length, gap: null };
}
