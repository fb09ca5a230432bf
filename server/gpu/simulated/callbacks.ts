// Sends one job's callbacks in order, retrying failures with backoff, and applies the delivery faults.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderEvent, SimulatedFaults } from '../provider.js';
import type { Rng } from './rng.js';

export type EventBody = Omit<ProviderEvent, 'deliveryId' | 'sentAt'>;

export interface CallbackSenderOptions {
  url: string;
  token: string;
  /** The faults in force now; read at each delivery so changes apply at once. */
  faults: () => SimulatedFaults;
  /** Wall time (ms) until which callbacks are paused. */
  pausedUntil: () => number;
  rng: Rng;
  signal: AbortSignal;
  log: (msg: string, extra?: object) => void;
}

interface Delivery {
  body: EventBody & { deliveryId: string };
  queuedAt: number;
}

const ATTEMPTS = 4;
const FIRST_RETRY_MS = 250;
const REQUEST_TIMEOUT_MS = 5_000;
/** A delivery held back to be sent out of order goes anyway after this long. */
const MAX_HOLD_MS = 500;

export class CallbackSender {
  private seq = 0;
  private readonly queue: Delivery[] = [];
  private pumping = false;
  private held: Delivery | null = null;
  private heldTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly externalId: string,
    private readonly options: CallbackSenderOptions,
  ) {
    options.signal.addEventListener('abort', () => clearTimeout(this.heldTimer), { once: true });
  }

  send(body: EventBody): void {
    const deliveryId = `${this.externalId}:${++this.seq}`;
    this.queue.push({ body: { ...body, deliveryId }, queuedAt: Date.now() });
    void this.pump().catch((error) => this.ignoreAbort(error));
  }

  /** Sends queued deliveries one at a time, so without faults they arrive in order. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const delivery = this.queue.shift()!;
        await this.waitWhilePaused();
        const { delayMs = 0, reorder = false } = this.options.faults();
        const lateBy = delivery.queuedAt + delayMs - Date.now();
        if (lateBy > 0) await sleep(lateBy, undefined, { signal: this.options.signal });
        if (reorder && this.held === null) {
          this.hold(delivery);
          continue;
        }
        await this.deliver(delivery);
        const held = this.release();
        if (held) await this.deliver(held);
      }
    } finally {
      this.pumping = false;
    }
  }

  private hold(delivery: Delivery): void {
    this.held = delivery;
    this.heldTimer = setTimeout(() => {
      const held = this.release();
      if (held) void this.deliver(held).catch((error) => this.ignoreAbort(error));
    }, MAX_HOLD_MS);
  }

  private release(): Delivery | null {
    const held = this.held;
    this.held = null;
    clearTimeout(this.heldTimer);
    return held;
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { dropRate = 0, duplicateRate = 0 } = this.options.faults();
    const { rng, log } = this.options;
    if (delivery.body.points.length > 0 && rng.chance(dropRate)) {
      log('callback dropped (fault)', { deliveryId: delivery.body.deliveryId });
      return;
    }
    if (await this.post(delivery)) {
      if (rng.chance(duplicateRate)) await this.post(delivery);
      return;
    }
    // Retries run on their own so one failing delivery does not hold up the rest.
    void this.retry(delivery).catch((error) => this.ignoreAbort(error));
  }

  private async retry(delivery: Delivery): Promise<void> {
    for (let attempt = 2; attempt <= ATTEMPTS; attempt++) {
      await sleep(FIRST_RETRY_MS * 4 ** (attempt - 2), undefined, { signal: this.options.signal });
      await this.waitWhilePaused();
      if (await this.post(delivery)) return;
    }
    this.options.log('callback given up', { deliveryId: delivery.body.deliveryId, attempts: ATTEMPTS });
  }

  /** One attempt; true when the receiver answered 2xx. */
  private async post(delivery: Delivery): Promise<boolean> {
    const { url, token, signal } = this.options;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Callback-Token': token },
        body: JSON.stringify({ ...delivery.body, sentAt: new Date().toISOString() }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      await response.body?.cancel();
      return response.ok;
    } catch (error) {
      if (signal.aborted) throw error;
      return false;
    }
  }

  private async waitWhilePaused(): Promise<void> {
    for (let wait = this.options.pausedUntil() - Date.now(); wait > 0; wait = this.options.pausedUntil() - Date.now()) {
      await sleep(wait, undefined, { signal: this.options.signal });
    }
  }

  private ignoreAbort(error: unknown): void {
    if (!this.options.signal.aborted) this.options.log('callback sender failed', { error: String(error) });
  }
}
