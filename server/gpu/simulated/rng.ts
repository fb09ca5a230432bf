// A small seeded random number generator (sfc32), so a simulated run is the same every time.
import { createHash } from 'node:crypto';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(min: number, max: number): number;
  /** Normal with the given mean and standard deviation. */
  gaussian(mean?: number, sd?: number): number;
  chance(probability: number): boolean;
}

/** The same seed string always gives the same sequence. */
export function createRng(seed: string): Rng {
  const digest = createHash('sha256').update(seed).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  let spare: number | null = null;

  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };

  const gaussian = (mean = 0, sd = 1) => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return mean + sd * value;
    }
    // Box-Muller gives two values; keep the second for the next call.
    const u = 1 - next();
    const v = next();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return mean + sd * radius * Math.cos(2 * Math.PI * v);
  };

  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    gaussian,
    chance: (probability) => next() < probability,
  };
}
