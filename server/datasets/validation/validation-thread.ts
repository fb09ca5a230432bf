// A validation worker thread: loads the tokenizer once, checks the batches of lines it is sent (parsing, rules,
// token counting) and sends back what each line found, in line order, for validate-in-threads.ts to put together.
import { parentPort, workerData } from 'node:worker_threads';
import type { IssueCode } from './codes.js';
import type { ValidateOptions } from './types.js';
import { DEFAULT_MAX_LINE_BYTES, LineChecker, type CheckedLines } from './validate-dataset.js';

/** A run of consecutive lines: their bytes back to back, each line's end offset, and the lines skipped unread. */
export interface Batch {
  seq: number;
  firstLine: number;
  data: Uint8Array;
  /** ends[i] is where line firstLine + i ends in data (a skipped line takes no bytes). */
  ends: Uint32Array;
  /** Lines over the byte limit, skipped unread. */
  skipped: number[];
}

/** Numbers per valid example in BatchResult.examples: line, tokens, hash high, hash low, then the counts below. */
export const EXAMPLE_FIELDS = 8;

export interface CheckedIssue {
  line: number;
  code: IssueCode;
  path: string;
  message: string;
}

export interface BatchResult {
  type: 'checked';
  /** The batch, handed back (its bytes give the excerpts of the issues stored). */
  batch: Batch;
  issues: CheckedIssue[];
  /** EXAMPLE_FIELDS numbers per valid example, in line order. */
  examples: Float64Array;
  dataLines: number;
  emptyLines: number;
}

export type FromThread = { type: 'ready'; exact: boolean; name: string } | BatchResult;

/** What a validation thread is started with. */
export interface ThreadData {
  validationThread: true;
  options: ValidateOptions;
  pieceCache: SharedArrayBuffer;
}

/** Checks batches of lines, one at a time, with one LineChecker (and so one tokenizer). */
export class BatchChecker {
  private issues: CheckedIssue[] = [];
  private examples: number[] = [];
  private readonly checker: LineChecker;

  constructor(options: ValidateOptions, pieceCache?: SharedArrayBuffer) {
    const results: CheckedLines = {
      issue: (line, code, path, message) => this.issues.push({ line, code, path, message }),
      example: (line, [high, low], { tokens, system, user, assistant, trained }) => this.examples.push(line, tokens, high, low, system, user, assistant, trained),
    };
    this.checker = new LineChecker(options, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, results, pieceCache);
  }

  get counter(): { exact: boolean; name: string } {
    return { exact: this.checker.counter.exact, name: this.checker.counter.name };
  }

  check(batch: Batch): BatchResult {
    const { checker } = this;
    const { firstLine, data, ends, skipped } = batch;
    checker.dataLines = 0;
    checker.emptyLines = 0;
    let start = 0;
    let nextSkipped = 0;
    for (let index = 0; index < ends.length; index++) {
      const line = firstLine + index;
      if (skipped[nextSkipped] === line) {
        nextSkipped++;
        checker.tooLong(line);
        continue;
      }
      checker.line(data.subarray(start, ends[index]), line);
      start = ends[index]!;
    }
    const result: BatchResult = {
      type: 'checked',
      batch,
      issues: this.issues,
      examples: Float64Array.from(this.examples),
      dataLines: checker.dataLines,
      emptyLines: checker.emptyLines,
    };
    this.issues = [];
    this.examples = [];
    return result;
  }
}

function runThread({ options, pieceCache }: ThreadData): void {
  const port = parentPort!;
  const checker = new BatchChecker(options, pieceCache);
  port.postMessage({ type: 'ready', ...checker.counter } satisfies FromThread);
  port.on('message', (batch: Batch) => {
    const result = checker.check(batch);
    port.postMessage(result, [batch.data.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer, result.examples.buffer as ArrayBuffer]);
  });
}

if (parentPort && (workerData as Partial<ThreadData> | undefined)?.validationThread) runThread(workerData as ThreadData);
