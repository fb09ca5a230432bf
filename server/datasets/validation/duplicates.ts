// Finds repeated examples by a 64-bit hash of their messages, keeping 16–32 bytes per distinct example and no text.
import type { Message } from './rules.js';
import { StringHasher } from './string-hash.js';

const ROLE_CODES = { system: 1, user: 2, assistant: 3 } as const;
const hasher = new StringHasher();

/** A 64-bit hash of each message's role, trained flag and content: formatting, key order and file format do not count. */
export function hashExample(messages: Message[]): [high: number, low: number] {
  hasher.reset();
  for (const { role, content, trained } of messages) {
    hasher.add(ROLE_CODES[role] * 2 + (trained ? 1 : 0));
    hasher.addText(content);
  }
  hasher.finish();
  return [hasher.high, hasher.low];
}

/** An open-addressing table from example hash to the line it was first seen on, in typed arrays. */
export class DuplicateTable {
  private high = new Uint32Array(1024);
  private low = new Uint32Array(1024);
  private lines = new Uint32Array(1024);
  private size = 0;

  /** Records the example on this line; returns the line of an earlier identical example, or 0 if it is new. */
  firstLineOf(hash: [number, number], line: number): number {
    const [high, low] = hash;
    const mask = this.lines.length - 1;
    for (let slot = (low ^ high) & mask; ; slot = (slot + 1) & mask) {
      const seenOn = this.lines[slot]!;
      if (seenOn === 0) break;
      if (this.low[slot] === low && this.high[slot] === high) return seenOn;
    }
    if ((this.size + 1) * 4 > this.lines.length * 3) this.grow();
    this.insert(high, low, line);
    return 0;
  }

  private insert(high: number, low: number, line: number): void {
    const mask = this.lines.length - 1;
    let slot = (low ^ high) & mask;
    while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
    this.high[slot] = high;
    this.low[slot] = low;
    this.lines[slot] = line;
    this.size++;
  }

  private grow(): void {
    const { high, low, lines } = this;
    this.high = new Uint32Array(lines.length * 2);
    this.low = new Uint32Array(lines.length * 2);
    this.lines = new Uint32Array(lines.length * 2);
    this.size = 0;
    for (let slot = 0; slot < lines.length; slot++) {
      if (lines[slot] !== 0) this.insert(high[slot]!, low[slot]!, lines[slot]!);
    }
  }
}
