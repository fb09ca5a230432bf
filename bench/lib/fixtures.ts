// Rows the benchmarks insert directly, as validation would have stored them.

/** The statistics of a READY dataset of 2,000 examples and 1 M tokens. */
export const DATASET_STATISTICS = {
  examples: 2000,
  trainingPairs: 2000,
  totalTokens: 1_000_000,
  tokensPerExample: { min: 120, mean: 500, p95: 900, max: 1500 },
  examplesOverContext: 0,
  roleCounts: { system: 2000, user: 2000, assistant: 2000 },
  duplicates: 0,
  emptyLines: 0,
  histogram: [],
};
