// The shapes the dataset validator takes and returns.
import type { BaseModel } from '../../catalog/base-models.js';
import type { IssueCode, Severity } from './codes.js';

export type DatasetFormat = 'CHAT_JSONL' | 'BRIGHTRUN_LORA_V4';

export interface ValidateOptions {
  format: DatasetFormat;
  /** The model whose tokenizer counts tokens and whose context length bounds each example. */
  baseModel: BaseModel;
  /** Count with the model's tokenizer (default true); false uses a byte estimate, much faster. */
  countTokens?: boolean;
  /** Issues kept in the report (default 1000); counts per code are always complete. */
  maxStoredIssues?: number;
  /** Lines longer than this are reported and skipped without being read into memory (default 64 MiB). */
  maxLineBytes?: number;
}

export interface ValidationIssue {
  /** 1-based line number; 0 for a problem with the whole file. */
  line: number;
  /** JSON path of the offending value, like $.messages[2].role; $ for the whole line. */
  path: string;
  code: IssueCode;
  severity: Severity;
  message: string;
  /** The start of the offending line as text (at most EXCERPT_LENGTH characters); null for the whole file or a line skipped unread. */
  excerpt?: string | null;
}

export interface DatasetStatistics {
  /** Lines that are valid examples (warnings allowed). */
  examples: number;
  /** Assistant messages trained on (weight not 0) across the valid examples. */
  trainingPairs: number;
  totalTokens: number;
  tokensPerExample: { min: number; mean: number; p95: number; max: number };
  examplesOverContext: number;
  roleCounts: { system: number; user: number; assistant: number };
  duplicates: number;
  emptyLines: number;
  /** Token lengths of the valid examples in about 20 equal buckets, for a chart. */
  histogram: { bucketStart: number; count: number }[];
}

export interface ValidationReport {
  valid: boolean;
  errorCount: number;
  warningCount: number;
  /** Every issue counted by code, even when the stored list is capped. */
  countsByCode: Record<string, number>;
  /** The first maxStoredIssues issues in line order (file-level issues, line 0, first). */
  issues: ValidationIssue[];
  /** True when some issues were counted but not stored. */
  truncated: boolean;
  statistics: DatasetStatistics;
  tokenCountsExact: boolean;
  /** What counted the tokens: a tokenizer package or an estimate. */
  tokenizer: string;
}
