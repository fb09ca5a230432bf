// A 64-bit hash of strings and string ranges that allocates nothing: two 32-bit lanes read after finish().

export class StringHasher {
  high = 0;
  low = 0;

  reset(): void {
    this.high = 0x811c9dc5;
    this.low = 0x9747b28c;
  }

  /** Adds one number (a character code, a tag or a length). */
  add(code: number): void {
    this.high = Math.imul(this.high ^ code, 0x01000193); // FNV-1a
    const low = Math.imul(this.low ^ code, 0x5bd1e995); // Murmur2's multiplier
    this.low = low ^ (low >>> 15);
  }

  /** Adds the characters text[start..end), then the length so that adjacent ranges cannot run together. */
  addRange(text: string, start: number, end: number): void {
    let high = this.high;
    let low = this.low;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      high = Math.imul(high ^ code, 0x01000193);
      low = Math.imul(low ^ code, 0x5bd1e995);
      low ^= low >>> 15;
    }
    this.high = high;
    this.low = low;
    this.add(end - start);
  }

  /** Spreads every input bit over both lanes (Murmur3's finaliser). */
  finish(): void {
    this.high = mix(this.high ^ Math.imul(this.low, 0x27d4eb2d));
    this.low = mix(this.low);
  }
}

function mix(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
