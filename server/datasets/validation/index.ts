// The dataset validator's public surface.
export { ISSUE_CODES, type IssueCode, type Severity } from './codes.js';
export {
  validateDatasetStream,
  unfinishedReport,
  MIN_EXAMPLES,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_STORED_ISSUES,
} from './validate-dataset.js';
export { validateInThreads, type ThreadOptions } from './validate-in-threads.js';
export type {
  DatasetFormat,
  DatasetStatistics,
  ValidateOptions,
  ValidationIssue,
  ValidationReport,
} from './types.js';
