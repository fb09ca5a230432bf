// Live metric points for subscribers, fanned out per process: one pubsub
// listener and at most one database read at a time per job (announcements
// that arrive meanwhile are merged), however many subscribers watch it. A
// subscriber reads points after the last step it was sent, so a replay and
// the live stream join with no gap and no duplicate, and a slow subscriber
// holds no queue (it just reads further next time). A subscriber that is
// caught up and waiting may take new batches pushed straight to its client
// (see `push` in watch): a thousand subscribers then cost a loop, not a
// thousand iterator chains.
import { randomUUID } from 'node:crypto';
import type { AppPubSub } from '../events/pubsub.js';
import { POINT_ROW_COLUMNS, pointsAfter, type MetricPointRow } from './metric-store.js';
import { pool } from '../db/client.js';

/** Points kept per job in memory for subscribers that are close to live. */
const RING_SIZE = 4096;
/** How long a gap in steps may stay open before later points are sent anyway (a lost point the poll may never find). */
export const GAP_GRACE_MS = 5000;
export const MAX_BATCH = 500;
/** Subscribers woken (to read through their iterators) per turn of the event loop. */
const WAKE_CHUNK = 50;
/**
 * How long one turn of the event loop may push batches before it lets I/O in: a push is one socket write (some
 * 5 to 10 µs), so a thousand subscribers take one turn, as a bare broadcast does; spreading them over several
 * turns let other work in between and put the last sockets behind it. Far larger fleets still yield now and then.
 */
const PUSH_SLICE_MS = 20;
/** The longest wait after a push, as a share of the time it took (see PushPacer): some 5 ms after a thousand sockets' 10 ms. */
export const PUSH_PAUSE_SHARE = 0.5;
/** Turns of the event loop in a row that bring nothing new before a push that waits starts (see PushPacer). */
const QUIET_TURNS = 2;

/**
 * When a feed's next push starts (see MetricFeeds' schedulePush); the bench's paced bare broadcaster uses it too.
 * A push writes to every socket in one go, and nothing else runs meanwhile. Soon after one, callbacks queued up
 * behind it: the next push waits while they come in (the counter `activity` moves: a callback of the job began,
 * or brought points), a turn of the event loop at a time, until QUIET_TURNS turns in a row bring nothing, and at
 * most PUSH_PAUSE_SHARE of the last push's time. The callbacks that queued up then go out together in one frame,
 * and those that began are in the database while the next push is written. Points after a quiet spell go at once.
 */
export class PushPacer {
  private freeAt = 0;

  constructor(private readonly activity: () => number) {}

  /** Runs `start` after the current turn, or, soon after a push, once the callbacks behind it have come in. */
  schedule(start: () => void): void {
    if (performance.now() >= this.freeAt) return void setImmediate(start);
    let seen = this.activity();
    let quiet = 0;
    const settle = () => {
      const now = this.activity();
      quiet = now === seen ? quiet + 1 : 0;
      seen = now;
      if (quiet >= QUIET_TURNS || performance.now() >= this.freeAt) return start();
      setImmediate(settle);
    };
    setImmediate(settle);
  }

  /** A push ran from `began` to `ended` (performance.now()): the next may wait up to PUSH_PAUSE_SHARE of that after it. */
  pushed(began: number, ended: number): void {
    this.freeAt = ended + PUSH_PAUSE_SHARE * (ended - began);
  }
}
/**
 * How long a "not ended" answer serves every subscriber of a job when no job update came in between: an ending
 * comes as a job update (transitionJob publishes it), so this is only a safety net for an update lost on its way.
 * An "ended" answer stands for good: an ended job never runs again.
 */
const FINISHED_CHECK_MS = 30_000;

/** One frame of a subscription: new points in step order. Subscribers at the same step get the same object. */
export interface MetricBatch {
  jobId: string;
  points: MetricPointRow[];
}

/**
 * Delivers a batch to the subscriber's client at once, skipping its iterator; false when it cannot (its client is
 * not keeping up, say), and the batch then goes out through the iterator as usual.
 */
export type PushBatch = (batch: MetricBatch) => boolean;

/** One subscriber of a feed: where it is, and how to wake it. */
interface Subscriber {
  lastSent: number;
  /** Resolves the wait the subscriber is in, or is about to be in. */
  wake: () => void;
  /** Waiting with nothing in hand: new points may be pushed to it. */
  parked: boolean;
  closed: boolean;
  push: PushBatch | null;
  /** The missing step it waits at, and since when (see releasable); a push that finds a hole sets it too. */
  gap: { step: number; since: number } | null;
}

interface Feed {
  jobId: string;
  points: MetricPointRow[];
  /** Batches read from the ring, by the step they follow; emptied when the ring changes. */
  batches: Map<number, MetricBatch>;
  /** Per batch handed out, whether its steps have no gap (see contiguous). */
  contiguous: WeakMap<MetricBatch, boolean>;
  /** Who watches; the feed closes when the last one leaves. */
  subscribers: Set<Subscriber>;
  stop: () => Promise<void>;
  /** Step ranges announced but not read yet: announcements that arrive during a read join the next one. */
  pending: { from: number; to: number; receivedAt?: number }[];
  refreshing: boolean;
  /** Job updates seen: a status check made before the latest one may be stale. */
  updates: number;
  checking: boolean;
  /** The last answer to "has the job ended?": `ended` once it said yes, which holds for good. */
  finishedCheck: { updates: number; at: number; result: Promise<boolean>; ended: boolean } | null;
  /** A subscriber's "has the job ended?", asked on the feed's behalf when the job is updated. */
  isFinished: (() => Promise<boolean>) | null;
  /** Pushes of points this process delivered: see schedulePush. `activity` counts callbacks begun and points delivered (see PushPacer). */
  push: { scheduled: boolean; running: boolean; pacer: PushPacer; arrivals: (number | undefined)[]; activity: number };
}

export class MetricFeedHub {
  private readonly feeds = new Map<string, Feed>();
  /** Names this process in announcements of points it delivered itself. */
  readonly origin = randomUUID();

  /** `pushDelay`: told, in seconds, how long new points from a callback took from its arrival to every subscriber here. */
  constructor(
    private readonly pubsub: AppPubSub,
    private readonly pushDelay?: { observe(seconds: number): void },
  ) {
    // Announcements published while the listener was away are lost: forget what
    // the rings hold, so subscribers read from the database, which has it all.
    pubsub.onReconnect(() => {
      for (const feed of this.feeds.values()) {
        feed.points = [];
        feed.batches.clear();
        // A job update (an ending) may have been missed too: ask again.
        feed.updates++;
        wakeAll(feed, false);
      }
    });
  }

  /** Whether anyone in this process watches the job's points. */
  watching(jobId: string): boolean {
    return this.feeds.has(jobId);
  }

  /** Subscribers currently watching, for /metrics. */
  get activeSubscribers(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.subscribers.size;
    return n;
  }

  /** The job's feed, opened for the subscriber. */
  private open(jobId: string, subscriber: Subscriber): Feed {
    const feed = this.feeds.get(jobId) ?? this.start(jobId);
    feed.subscribers.add(subscriber);
    return feed;
  }

  private start(jobId: string): Feed {
    const events = this.pubsub.subscribe('trainingMetrics', jobId);
    // A status change may mean the job ended: subscribers check and complete.
    const updates = this.pubsub.subscribe('trainingJobUpdated', jobId);
    // Now and then every waiting subscriber looks again, in case a wake-up was lost with a connection.
    const ticker = setInterval(() => wakeAll(feed, false), GAP_GRACE_MS).unref();
    const feed: Feed = {
      jobId,
      points: [],
      batches: new Map(),
      contiguous: new WeakMap(),
      subscribers: new Set(),
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
      push: { scheduled: false, running: false, pacer: new PushPacer(() => feed.push.activity), arrivals: [], activity: 0 },
    };
    this.feeds.set(jobId, feed);
    void (async () => {
      for await (const update of updates) {
        // A progress tick (every callback) never ends a job: only a status change is worth asking about.
        if (update.progress) continue;
        feed.updates++;
        void this.checkFinished(feed);
      }
    })();
    void (async () => {
      for await (const event of events) {
        if (event.origin === this.origin) continue; // delivered already
        feed.pending.push({ from: event.fromStep, to: event.toStep, receivedAt: event.receivedAt });
        void this.refreshAll(feed);
      }
    })();
    return feed;
  }

  /**
   * Reads what was announced, one query at a time per job, then wakes the subscribers. Announcements that arrive
   * meanwhile are read together next, so a slow database delays the next read but never builds a queue of reads.
   */
  private async refreshAll(feed: Feed): Promise<void> {
    if (feed.refreshing) return;
    feed.refreshing = true;
    try {
      while (feed.pending.length > 0) {
        const ranges = feed.pending;
        feed.pending = [];
        await this.refresh(feed, ranges).catch(() => {});
        wakeAll(feed, true, () => this.timePush(ranges.map((r) => r.receivedAt)));
      }
    } finally {
      feed.refreshing = false;
    }
  }

  private async refresh(feed: Feed, announced: { from: number; to: number }[]): Promise<void> {
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
      const result = await pool.query<MetricPointRow>(`SELECT ${POINT_ROW_COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 AND step BETWEEN $2 AND $3 ORDER BY step DESC LIMIT $4`, [
        feed.jobId,
        ranges[i]!.from,
        ranges[i]!.to,
        RING_SIZE - rows.length,
      ]);
      rows.push(...result.rows);
    }
    rows.reverse();
    addToRing(feed, rows);
  }

  /** A callback of the job began here: a push soon after the last waits for what it brings (see PushPacer). */
  arriving(jobId: string): void {
    const feed = this.feeds.get(jobId);
    if (feed) feed.push.activity++;
  }

  /**
   * Points this process just stored (rows in step order, as the database holds them): subscribers here get them
   * without waiting for the announcement to come back from PostgreSQL and a read. Announce them with `origin`.
   */
  deliver(jobId: string, rows: MetricPointRow[], receivedAt?: number): void {
    const feed = this.feeds.get(jobId);
    if (!feed || rows.length === 0) return;
    addToRing(feed, rows);
    feed.push.arrivals.push(receivedAt);
    feed.push.activity++;
    this.schedulePush(feed);
  }

  /**
   * Pushes what was delivered, after the current turn, in which the callback that brought the points is answered:
   * its sender may then send the next one, whose statement runs in PostgreSQL while this process writes the frames.
   * One push at a time per feed. Right after a push, the callbacks that queued up behind it come in first (see
   * PushPacer): their points go out together in the next frame instead of one frame each, and the statements of
   * those that began run while it is written. A push after a quiet spell goes at once.
   */
  private schedulePush(feed: Feed): void {
    const { push } = feed;
    // A push running takes what arrives meanwhile, or schedules the next when it ends.
    if (push.scheduled || push.running) return;
    push.scheduled = true;
    const start = () => {
      push.scheduled = false;
      push.running = true;
      const arrivals = push.arrivals;
      push.arrivals = [];
      const began = performance.now();
      // A hole here is a callback on this process still committing (callbacks commit out of order): wait for it.
      wakeAll(
        feed,
        true,
        () => {
          const ended = performance.now();
          push.running = false;
          push.pacer.pushed(began, ended);
          this.timePush(arrivals);
          if (push.arrivals.length > 0) this.schedulePush(feed);
        },
        true,
      );
    };
    push.pacer.schedule(start);
  }

  private timePush(receivedAt: (number | undefined)[]): void {
    const now = Date.now();
    for (const at of receivedAt) if (at !== undefined) this.pushDelay?.observe(Math.max(0, now - at) / 1000);
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
        if (await this.finished(feed, feed.isFinished).catch(() => true)) wakeAll(feed, false);
      }
    } finally {
      feed.checking = false;
    }
  }

  private release(feed: Feed, subscriber: Subscriber) {
    feed.subscribers.delete(subscriber);
    if (feed.subscribers.size > 0) return;
    if (this.feeds.get(feed.jobId) === feed) this.feeds.delete(feed.jobId);
    void feed.stop();
  }

  /**
   * Batches of points with step > afterStep, in order, each step once, for as
   * long as the consumer pulls. Ends when `isFinished` says the job is over and
   * every stored point has been sent. `return()` lets the job go at once, even
   * while waiting for the next point. With `push`, new points for a subscriber
   * that waits caught up go through it instead; the iterator carries on after them.
   */
  watch(jobId: string, afterStep: number, isFinished: () => Promise<boolean>, push: PushBatch | null = null): AsyncIterableIterator<MetricBatch> {
    const subscriber: Subscriber = { lastSent: afterStep, wake: () => {}, parked: false, closed: false, push, gap: null };
    const batches = this.batches(jobId, subscriber, isFinished);
    return {
      next: () => batches.next(),
      return: (value?: unknown) => {
        subscriber.closed = true;
        subscriber.wake();
        return batches.return(value as undefined);
      },
      throw: (err?: unknown) => batches.throw(err),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private async *batches(jobId: string, subscriber: Subscriber, isFinished: () => Promise<boolean>): AsyncGenerator<MetricBatch> {
    const feed = this.open(jobId, subscriber);
    feed.isFinished ??= isFinished;
    try {
      while (!subscriber.closed) {
        // Arm the wake-up before reading, so a batch landing in between is not missed.
        const woken = new Promise<void>((resolve) => (subscriber.wake = resolve));
        const lastSent = subscriber.lastSent;
        let read = await this.read(feed, lastSent);
        // A hole in the ring may only be a lost announcement: the database has every stored point.
        if (read.points.length > 0 && read.points[0]!.step !== lastSent + 1 && feed.points[0] && feed.points[0].step <= lastSent + 1) {
          read = { jobId, points: await pointsAfter(jobId, lastSent, MAX_BATCH) };
        }
        const released = releasable(read.points, lastSent, subscriber.gap);
        subscriber.gap = released.gap;
        if (released.count > 0) {
          const batch = released.count === read.points.length ? read : { jobId, points: read.points.slice(0, released.count) };
          subscriber.lastSent = batch.points.at(-1)!.step;
          yield batch;
          continue;
        }
        if (await this.finished(feed, isFinished)) {
          const rest = await pointsAfter(jobId, subscriber.lastSent, MAX_BATCH);
          if (rest.length === 0) return;
          subscriber.lastSent = rest.at(-1)!.step;
          yield { jobId, points: rest };
          continue;
        }
        // At a gap, wake when its grace ends; otherwise a new batch (pushed, or read on waking), a job update or
        // the feed's ticker wakes it.
        const gap = subscriber.gap;
        const timer = gap ? setTimeout(subscriber.wake, GAP_GRACE_MS - (Date.now() - gap.since)) : null;
        subscriber.parked = true;
        await woken;
        subscriber.parked = false;
        if (timer) clearTimeout(timer);
      }
    } finally {
      subscriber.closed = true;
      this.release(feed, subscriber);
    }
  }

  /**
   * Whether the job has ended, asked once for all of its subscribers: a query per subscriber per batch would
   * cost a thousand queries a batch at a thousand subscribers. A job update (which is how an ending arrives), a
   * pubsub reconnect or FINISHED_CHECK_MS passing makes the next caller ask again; once ended, never again.
   */
  private finished(feed: Feed, isFinished: () => Promise<boolean>): Promise<boolean> {
    const check = feed.finishedCheck;
    if (check && (check.ended || (check.updates === feed.updates && performance.now() - check.at < FINISHED_CHECK_MS))) return check.result;
    const result = isFinished();
    const made = { updates: feed.updates, at: performance.now(), result, ended: false };
    feed.finishedCheck = made;
    void result.then(
      (ended) => {
        made.ended = ended;
      },
      () => {},
    );
    result.catch(() => {
      if (feed.finishedCheck?.result === result) feed.finishedCheck = null;
    });
    return result;
  }

  /** From memory when the ring covers lastSent, else from the database (a replay or a slow subscriber). */
  private async read(feed: Feed, lastSent: number): Promise<MetricBatch> {
    return readRing(feed, lastSent) ?? { jobId: feed.jobId, points: await pointsAfter(feed.jobId, lastSent, MAX_BATCH) };
  }
}

/** Adds rows in step order to the ring, keeping it in step order and at most RING_SIZE long. */
function addToRing(feed: Feed, rows: MetricPointRow[]): void {
  if (rows.length === 0) return;
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

/** Whether the batch's steps follow on one from another: asked once per batch, however many subscribers it goes to. */
function contiguous(feed: Feed, batch: MetricBatch): boolean {
  let known = feed.contiguous.get(batch);
  if (known === undefined) {
    known = releasable(batch.points, batch.points[0]!.step - 1, null).count === batch.points.length;
    feed.contiguous.set(batch, known);
  }
  return known;
}

/** The batch after lastSent from the ring (one object per position, shared by the subscribers there), or null if the ring does not cover it. */
function readRing(feed: Feed, lastSent: number): MetricBatch | null {
  const { points } = feed;
  const first = points[0];
  if (!first || first.step > lastSent + 1) return null;
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
  const batch = { jobId: feed.jobId, points: points.slice(lo, lo + MAX_BATCH) };
  feed.batches.set(lastSent, batch);
  return batch;
}

/**
 * New points for a subscriber that waits caught up, pushed while they follow on from its last step with no gap.
 * With `waitAtHole`, at a hole just after its last step it stays waiting (true): callbacks committed out of order
 * leave one for a moment, and the missing point comes with the next delivery; if it has not come by the time the
 * feed's ticker wakes it, its iterator looks in the database and applies the gap's grace from when the hole was
 * first seen. False when the subscriber must look for itself: it has no push or its client is behind, a hole
 * (points announced by another process: the database may have the missing one already), a gap inside the batch,
 * or the end of the ring.
 */
function pushNew(feed: Feed, subscriber: Subscriber, waitAtHole: boolean): boolean {
  if (!subscriber.push || !subscriber.parked || subscriber.closed) return false;
  for (;;) {
    const batch = readRing(feed, subscriber.lastSent);
    if (!batch) return false;
    if (batch.points.length === 0) return true;
    const next = subscriber.lastSent + 1;
    if (batch.points[0]!.step !== next) {
      if (!waitAtHole) return false;
      if (subscriber.gap?.step !== next) subscriber.gap = { step: next, since: Date.now() };
      return true;
    }
    if (!contiguous(feed, batch)) return false;
    subscriber.gap = null;
    if (!subscriber.push(batch)) return false;
    subscriber.lastSent = batch.points.at(-1)!.step;
    if (batch.points.length < MAX_BATCH) return true;
  }
}

/**
 * Pushes the new points to the subscribers that can take them and wakes the others, yielding to I/O in between:
 * after PUSH_SLICE_MS of pushing, or after WAKE_CHUNK wakings (each one woken reads and sends its frame in this
 * turn of the event loop, and a thousand of those at once would hold back the callbacks bringing the next points,
 * which then queue up instead of joining the next frames). `done` runs once the last subscriber has had its turn.
 */
function wakeAll(feed: Feed, newPoints: boolean, done?: () => void, waitAtHole = false): void {
  const subscribers = [...feed.subscribers];
  const wakeFrom = (start: number) => {
    const until = performance.now() + PUSH_SLICE_MS;
    let woken = 0;
    let i = start;
    while (i < subscribers.length && woken < WAKE_CHUNK) {
      const subscriber = subscribers[i++]!;
      if (!(newPoints && pushNew(feed, subscriber, waitAtHole))) {
        subscriber.wake();
        woken++;
      }
      if (i % 32 === 0 && performance.now() >= until) break;
    }
    if (i < subscribers.length) setImmediate(wakeFrom, i);
    else done?.();
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
