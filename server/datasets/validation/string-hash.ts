// A 64-bit hash of strings and string ranges that allocates nothing: two 32-bit lanes, stepped one number at a time.
// The step functions are exported for loops that hash while they scan (see server/datasets/tokenizers.ts).

export const SEED_HIGH = 0x811c9dc5;
export const SEED_LOW = 0x9747b28c;

/** The high lane: FNV-1a. */
export function stepHigh(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/** The low lane: Murmur2's multiplier with a shift. */
export function stepLow(hash: number, code: number): number {
  const next = Math.imul(hash ^ code, 0x5bd1e995);
  return next ^ (next >>> 15);
}

/** The final high half, mixed with the low lane (Murmur3's finaliser spreads every input bit). */
export function finishHigh(high: number, low: number): number {
  return mix(high ^ Math.imul(low, 0x27d4eb2d));
}

export function finishLow(low: number): number {
  return mix(low);
}

function mix(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Hashes a sequence of numbers and string ranges; read high and low after finish(). */
export class StringHasher {
  high = SEED_HIGH;
  low = SEED_LOW;

  reset(): void {
    this.high = SEED_HIGH;
    this.low = SEED_LOW;
  }

  /** Adds one number (a tag or a length). */
  add(code: number): void {
    this.high = stepHigh(this.high, code);
    this.low = stepLow(this.low, code);
  }

  /** Adds the characters text[start..end), then the length so that adjacent ranges cannot run together. */
  addRange(text: string, start: number, end: number): void {
    let high = this.high;
    let low = this.low;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      high = stepHigh(high, code);
      low = stepLow(low, code);
    }
    this.high = high;
    this.low = low;
    this.add(end - start);
  }

  finish(): void {
    const low = this.low;
    this.high = finishHigh(this.high, low);
    this.low = finishLow(low);
  }
}
