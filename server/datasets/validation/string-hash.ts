// A 64-bit hash of strings that allocates nothing per call: two 32-bit lanes, stepped one number at a time.
// The step functions are exported for loops that hash while they scan (see server/datasets/tokenizers.ts).

export const SEED_HIGH = 0x811c9dc5;
export const SEED_LOW = 0x9747b28c;

/** The high lane: FNV-1a. */
export function stepHigh(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/** The low lane: the same shape with Murmur2's multiplier and another seed (finishLow mixes it well). */
export function stepLow(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x5bd1e995);
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

/** Characters encoded at a time: long strings are hashed in slices so the scratch buffer stays small. */
const SLICE = 16 * 1024;

/** Hashes a sequence of numbers and strings; read high and low after finish(). */
export class StringHasher {
  high = SEED_HIGH;
  low = SEED_LOW;
  private readonly encoder = new TextEncoder();
  private readonly bytes = new Uint8Array(SLICE * 3);
  private readonly words = new Int32Array(this.bytes.buffer);

  reset(): void {
    this.high = SEED_HIGH;
    this.low = SEED_LOW;
  }

  /** Adds one number (a tag or a length). */
  add(code: number): void {
    this.high = stepHigh(this.high, code);
    this.low = stepLow(this.low, code);
  }

  /**
   * Adds a string's UTF-8 bytes four at a time (encoding is native, and a quarter of the steps of hashing each
   * character), then its length so that adjacent strings cannot run together.
   */
  addText(text: string): void {
    for (let start = 0; start < text.length; start += SLICE) {
      const slice = text.length <= SLICE ? text : text.slice(start, start + SLICE);
      this.addBytes(this.encoder.encodeInto(slice, this.bytes).written);
    }
    this.add(text.length);
  }

  finish(): void {
    const low = this.low;
    this.high = finishHigh(this.high, low);
    this.low = finishLow(low);
  }

  /** Adds the first `count` bytes of the scratch buffer. */
  private addBytes(count: number): void {
    const { bytes, words } = this;
    let high = this.high;
    let low = this.low;
    const wholeWords = count >>> 2;
    for (let i = 0; i < wholeWords; i++) {
      high = stepHigh(high, words[i]!);
      low = stepLow(low, words[i]!);
    }
    for (let i = wholeWords * 4; i < count; i++) {
      high = stepHigh(high, bytes[i]!);
      low = stepLow(low, bytes[i]!);
    }
    this.high = high;
    this.low = low;
  }
}
