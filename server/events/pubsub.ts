// Typed pubsub topics carried by PostgreSQL LISTEN/NOTIFY, so a subscriber on
// any server process receives what any other process published.
import { createPubSub, type PubSub } from 'graphql-yoga';
import pg from 'pg';

/** Payloads stay small: ids and step ranges, never whole objects (NOTIFY caps a payload at 8000 bytes). */
export type Topics = {
  datasetUpdated: [datasetId: string, payload: { id: string }];
  /** `progress`: only step, cost or ETA moved (publishJobProgress); without it, anything may have (status included). */
  trainingJobUpdated: [jobId: string, payload: { id: string; progress?: true }];
  /** `origin`: the process that delivered the points to its own subscribers already; `receivedAt`: when their callback arrived (ms since the epoch). */
  trainingMetrics: [jobId: string, payload: { jobId: string; fromStep: number; toStep: number; origin?: string; receivedAt?: number }];
  notificationAdded: [ownerId: string, payload: { id: string }];
  /** A row of the owner's lists (datasets, training jobs, models) was created or changed, by whatever means. */
  listChanged: [ownerId: string, payload: ListChange];
  /** An outgoing webhook delivery of the owner's was made or had an attempt recorded. */
  webhookDeliveryUpdated: [ownerId: string, payload: { id: string }];
  /** Connections signed in with the key close, on every process. */
  apiKeyRevoked: [keyId: string, payload: { id: string }];
};

/** Which row of an owner's lists changed: its kind and database id. */
export type ListChange = { type: 'Dataset' | 'TrainingJob' | 'Model'; id: string };

export type AppPubSub = PubSub<Topics> & {
  /** Resolves once the listener connection is listening. */
  ready: Promise<void>;
  /** Called after the listener connection came back: events in between were missed. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
};

const CHANNEL = 'brightrun_events';
const RECONNECTED = 'pubsub:reconnected';
const MAX_PAYLOAD_BYTES = 7900;
/** The least time between two notifying statements (see schedule): on a busy server, the events in between share one. */
const NOTIFY_HOLD_MS = 2;

/** One event as it travels in a notification. */
type Envelope = { topic: string; detail: unknown };

/** Events (each a JSON Envelope of `bytes[i]` bytes) as JSON arrays of at most MAX_PAYLOAD_BYTES, in order. */
function pack(payloads: readonly string[], bytes: readonly number[]): string[] {
  const packed: string[] = [];
  let start = 0;
  let size = 2;
  for (let i = 0; i < payloads.length; i++) {
    if (i > start && size + 1 + bytes[i]! > MAX_PAYLOAD_BYTES) {
      packed.push(`[${payloads.slice(start, i).join(',')}]`);
      start = i;
      size = 2;
    }
    size += bytes[i]! + (i > start ? 1 : 0);
  }
  if (start < payloads.length) packed.push(`[${payloads.slice(start).join(',')}]`);
  return packed;
}

/** An EventTarget whose dispatches travel through PostgreSQL and come back on every process. */
class PostgresEventTarget extends EventTarget {
  private listener: pg.Client | null = null;
  private closed = false;
  private connectedBefore = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    private readonly onError: (err: Error) => void,
  ) {
    super();
    this.ready = this.listen();
  }

  private async listen(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      const client = new pg.Client({ connectionString: this.connectionString, application_name: 'brightrun-events' });
      try {
        await client.connect();
        client.on('notification', (msg) => this.receive(msg.payload));
        client.on('error', (err) => this.reconnect(client, err));
        await client.query(`LISTEN ${CHANNEL}`);
        this.listener = client;
        // Events published while we were away are lost: tell whoever caches them.
        if (this.connectedBefore) super.dispatchEvent(new Event(RECONNECTED));
        this.connectedBefore = true;
        return;
      } catch (err) {
        await client.end().catch(() => {});
        this.onError(err as Error);
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
      }
    }
  }

  private reconnect(client: pg.Client, err: Error): void {
    if (this.listener !== client || this.closed) return;
    this.onError(err);
    this.listener = null;
    void client.end().catch(() => {});
    void this.listen();
  }

  /** A notification carries one event, or several in order (see send). */
  private receive(payload: string | undefined): void {
    if (!payload) return;
    const parsed = JSON.parse(payload) as Envelope | Envelope[];
    for (const { topic, detail } of Array.isArray(parsed) ? parsed : [parsed]) super.dispatchEvent(new CustomEvent(topic, { detail }));
  }

  override dispatchEvent(event: Event): boolean {
    const payload = JSON.stringify({ topic: event.type, detail: (event as CustomEvent).detail } satisfies Envelope);
    const bytes = Buffer.byteLength(payload);
    if (bytes > MAX_PAYLOAD_BYTES) throw new Error(`pubsub payload for ${event.type} is too large`);
    this.pending.push(payload);
    this.pendingBytes.push(bytes);
    this.schedule();
    return true;
  }

  /** Events waiting for the statement in flight to finish: they go in the next one, in the order published. */
  private pending: string[] = [];
  private pendingBytes: number[] = [];
  private sending = false;
  /** When the last statement was sent (performance.now()). */
  private lastSentAt = -Number.MAX_VALUE;

  /**
   * Sends what is pending after the I/O this turn of the event loop handles, so what its callbacks publish (each its
   * points, then its progress) goes in one notification; and, when the last statement began under NOTIFY_HOLD_MS ago,
   * after that long, so on a busy server the events of the callbacks in between join it instead of each sending its own.
   */
  private schedule(): void {
    if (this.sending || this.pending.length === 0) return;
    this.sending = true;
    // A whole hold, not what is left of it: timers count from the event loop's clock, which lags within a busy turn.
    if (performance.now() - this.lastSentAt < NOTIFY_HOLD_MS) setTimeout(() => void this.send(), NOTIFY_HOLD_MS);
    else setImmediate(() => void this.send());
  }

  /**
   * PostgreSQL commits notifying transactions one at a time (a database-wide lock held through the commit's WAL
   * flush), so one statement per event caps a busy server at one event per disk flush and queues callbacks behind
   * them for pool connections. Events published meanwhile go together in one statement, one at a time in order;
   * the commit skips waiting for its flush (nothing durable is written: a lost event is what a reconnect covers).
   * Events are packed into as few notifications as their size allows (a JSON array each): every notification is
   * queued, signalled and read by every listening process, and a busy server would otherwise publish two per callback.
   */
  private async send(): Promise<void> {
    this.lastSentAt = performance.now();
    const batch = pack(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = [];
    // Named, so each connection parses and plans it once: a busy server sends it after nearly every callback.
    await this.pool
      .query({
        name: 'pubsub-notify',
        text: `SELECT pg_notify($1, p) FROM (SELECT set_config('synchronous_commit', 'off', true)) AS s, unnest($2::text[]) AS p`,
        values: [CHANNEL, batch],
      })
      .catch((err: Error) => this.onError(err));
    this.sending = false;
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => {});
  }
}

export function createAppPubSub(pool: pg.Pool, connectionString: string, onError: (err: Error) => void): AppPubSub {
  const target = new PostgresEventTarget(pool, connectionString, onError);
  const pubsub = createPubSub<Topics>({ eventTarget: target });
  return Object.assign(pubsub, {
    ready: target.ready,
    onReconnect: (listener: () => void) => target.addEventListener(RECONNECTED, listener),
    close: () => target.close(),
  });
}
