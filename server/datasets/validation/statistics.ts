// Dataset statistics gathered one example at a time in fixed memory, with exact token-length percentiles.
import type { Message } from './rules.js';
import type { DatasetStatistics } from './types.js';

/** Example lengths up to this many tokens are counted one by one (1 MiB): min, p95 and max are exact below it. */
const EXACT_LENGTHS = 1 << 18;
const HISTOGRAM_BUCKETS = 20;

/** What the statistics need of one valid example. */
export interface ExampleCounts {
  tokens: number;
  system: number;
  user: number;
  assistant: number;
  /** Messages trained on (assistant messages without weight 0). */
  trained: number;
}

export function summariseExample(messages: Message[], tokens: number): ExampleCounts {
  const counts = { tokens, system: 0, user: 0, assistant: 0, trained: 0 };
  for (const message of messages) {
    counts[message.role]++;
    if (message.trained) counts.trained++;
  }
  return counts;
}

export class StatisticsCollector {
  private examples = 0;
  private trainingPairs = 0;
  private totalTokens = 0;
  private min = Infinity;
  private max = 0;
  private examplesOverContext = 0;
  private readonly roleCounts = { system: 0, user: 0, assistant: 0 };
  /** countsByLength[n] = examples of n tokens; the last slot holds every longer one. */
  private readonly countsByLength = new Uint32Array(EXACT_LENGTHS + 1);
  duplicates = 0;
  emptyLines = 0;

  constructor(private readonly contextLength: number) {}

  /** Adds a valid example; returns true when it is longer than the context. */
  addExample(messages: Message[], tokens: number): boolean {
    return this.add(summariseExample(messages, tokens));
  }

  /** Adds a valid example by its counts (what a validation thread sends back); true when it is longer than the context. */
  add({ tokens, system, user, assistant, trained }: ExampleCounts): boolean {
    this.examples++;
    this.totalTokens += tokens;
    if (tokens < this.min) this.min = tokens;
    if (tokens > this.max) this.max = tokens;
    this.countsByLength[Math.min(tokens, EXACT_LENGTHS)]!++;
    this.roleCounts.system += system;
    this.roleCounts.user += user;
    this.roleCounts.assistant += assistant;
    this.trainingPairs += trained;
    const overContext = tokens > this.contextLength;
    if (overContext) this.examplesOverContext++;
    return overContext;
  }

  get exampleCount(): number {
    return this.examples;
  }

  result(): DatasetStatistics {
    const empty = this.examples === 0;
    return {
      examples: this.examples,
      trainingPairs: this.trainingPairs,
      totalTokens: this.totalTokens,
      tokensPerExample: {
        min: empty ? 0 : this.min,
        mean: empty ? 0 : Math.round((this.totalTokens / this.examples) * 10) / 10,
        p95: empty ? 0 : this.percentile(0.95),
        max: this.max,
      },
      examplesOverContext: this.examplesOverContext,
      roleCounts: { ...this.roleCounts },
      duplicates: this.duplicates,
      emptyLines: this.emptyLines,
      histogram: empty ? [] : this.histogram(),
    };
  }

  /** The nearest-rank percentile; lengths past EXACT_LENGTHS are reported as the maximum. */
  private percentile(fraction: number): number {
    const rank = Math.ceil(fraction * this.examples);
    let seen = 0;
    for (let length = 0; length < EXACT_LENGTHS; length++) {
      seen += this.countsByLength[length]!;
      if (seen >= rank) return length;
    }
    return this.max;
  }

  /** About 20 buckets of a round width (1, 2 or 5 × a power of ten) from the shortest example to the longest. */
  private histogram(): { bucketStart: number; count: number }[] {
    const width = roundWidth((this.max - this.min + 1) / HISTOGRAM_BUCKETS);
    const first = Math.floor(this.min / width);
    const buckets = Array.from({ length: Math.floor(this.max / width) - first + 1 }, (_, index) => ({
      bucketStart: (first + index) * width,
      count: 0,
    }));
    const last = Math.min(this.max, EXACT_LENGTHS);
    for (let length = Math.min(this.min, EXACT_LENGTHS); length <= last; length++) {
      const count = this.countsByLength[length]!;
      // The last slot holds every example too long to count exactly: they belong in the last bucket.
      const bucket = length === EXACT_LENGTHS ? buckets.length - 1 : Math.floor(length / width) - first;
      if (count > 0) buckets[bucket]!.count += count;
    }
    return buckets;
  }
}

function roundWidth(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const step of [1, 2, 5, 10]) if (step * power >= raw) return step * power;
  return 10 * power;
}
