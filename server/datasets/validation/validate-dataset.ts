// Validates a dataset streamed line by line in constant memory: every problem with its line and path, plus statistics.
import { ESTIMATE_COUNTER, getTokenCounter, type TokenCounter } from '../tokenizers.js';
import { ISSUE_CODES, type IssueCode } from './codes.js';
import { DuplicateTable, hashExample } from './duplicates.js';
import { FORMAT_READERS, isObject, typeName, type FormatReader, type Report } from './formats.js';
import { IssueLog, lineExcerpt } from './issue-log.js';
import { LineSplitter, type LineHandler } from './line-splitter.js';
import { checkMessages, checkTraining } from './rules.js';
import { StatisticsCollector, summariseExample, type ExampleCounts } from './statistics.js';
import type { ValidateOptions, ValidationReport } from './types.js';

export const MIN_EXAMPLES = 10;
export const DEFAULT_MAX_STORED_ISSUES = 1000;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Reads the whole stream once and reports on it; the input's chunks may split lines anywhere. */
export async function validateDatasetStream(input: AsyncIterable<Buffer | Uint8Array>, options: ValidateOptions): Promise<ValidationReport> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const builder = new ReportBuilder(options);
  const checker: LineChecker = new LineChecker(options, maxLineBytes, {
    issue: (line, code, path, message) => builder.issue(line, code, path, message, checker.excerpt),
    example: (line, hash, counts) => builder.example(line, hash, counts, checker.excerpt),
  });
  const splitter = new LineSplitter(maxLineBytes, checker);
  for await (const chunk of input) splitter.push(chunk);
  splitter.end();
  return builder.finish(checker, checker.counter);
}

const BLANK_BYTES = new Set([0x20, 0x09, 0x0d]);

function isBlank(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (!BLANK_BYTES.has(byte)) return false;
  return true;
}

function hasByteOrderMark(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** The line as the checks read it: the first line without its byte order mark. */
export function lineContent(bytes: Uint8Array, lineNumber: number): Uint8Array {
  return lineNumber === 1 && hasByteOrderMark(bytes) ? bytes.subarray(3) : bytes;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${bytes} bytes`;
}

/** What the checks of each line find, in line order: a line's issues come before its example. */
export interface CheckedLines {
  issue(line: number, code: IssueCode, path: string, message: string): void;
  /** A valid example: the hash that finds its duplicates and what the statistics count. */
  example(line: number, hash: [high: number, low: number], counts: ExampleCounts): void;
}

/** Lines read, for the file-level checks. */
export interface LineTotals {
  /** Lines that are not blank, valid or not. */
  dataLines: number;
  emptyLines: number;
}

/**
 * The checks of one line at a time, each line on its own (parsing, rules, token counting): what needs the lines
 * before it (duplicates, totals, the stored issue list) is the ReportBuilder's, so that lines can be checked on
 * several threads and their results put together in line order (validate-in-threads.ts).
 */
export class LineChecker implements LineHandler, LineTotals {
  readonly counter: TokenCounter;
  private readonly reader: FormatReader;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  dataLines = 0;
  emptyLines = 0;
  /** Errors reported so far: a line with new ones is not an example. */
  private errorCount = 0;
  private lineNumber = 0;
  /** The line being read (valid during line() only); null for a line skipped unread. */
  private lineBytes: Uint8Array | null = null;
  readonly excerpt = () => (this.lineBytes ? lineExcerpt(this.lineBytes) : null);
  private readonly report: Report = (code, path, message) => {
    if (ISSUE_CODES[code].severity === 'ERROR') this.errorCount++;
    this.results.issue(this.lineNumber, code, path, message);
  };

  constructor(
    options: ValidateOptions,
    private readonly maxLineBytes: number,
    private readonly results: CheckedLines,
    /** Piece counts shared with the other threads validating the same file (see getTokenCounter). */
    pieceCache?: SharedArrayBuffer,
  ) {
    this.reader = FORMAT_READERS[options.format];
    this.counter = options.countTokens === false ? ESTIMATE_COUNTER : getTokenCounter(options.baseModel, pieceCache);
  }

  line(bytes: Uint8Array, lineNumber: number): void {
    this.lineNumber = lineNumber;
    bytes = lineContent(bytes, lineNumber);
    this.lineBytes = bytes;
    if (isBlank(bytes)) {
      this.emptyLines++;
      this.report('BLANK_LINE', '$', 'The line is blank and was skipped; remove it.');
      return;
    }
    this.dataLines++;
    const value = this.parse(bytes);
    if (value === undefined) return;

    const errorsBefore = this.errorCount;
    const raw = this.reader.read(value, this.report);
    if (!raw) return;
    const messages = checkMessages(raw, this.reader, this.report);
    if (this.errorCount > errorsBefore) return;
    checkTraining(messages, this.reader, this.report);
    if (this.errorCount > errorsBefore) return;

    const { counter } = this;
    let tokens = counter.template.perExample;
    for (const message of messages) tokens += counter.template.perMessage + counter.count(message.content);
    this.results.example(lineNumber, hashExample(messages), summariseExample(messages, tokens));
  }

  tooLong(lineNumber: number): void {
    this.lineNumber = lineNumber;
    this.lineBytes = null;
    this.dataLines++;
    this.report('LINE_TOO_LONG', '$', `The line is longer than ${formatBytes(this.maxLineBytes)} and was skipped: put one example per line and shorten this one.`);
  }

  /** The line as a JSON object, or undefined once the reason it is not one is reported. */
  private parse(bytes: Uint8Array): Record<string, unknown> | undefined {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      this.report('INVALID_UTF8', '$', 'The line is not valid UTF-8: save the file as UTF-8 (it may be Latin-1 or UTF-16).');
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.report('INVALID_JSON', '$', `The line is not valid JSON: ${(error as Error).message}.`);
      return undefined;
    }
    if (!isObject(value)) {
      this.report('NOT_AN_OBJECT', '$', `Each line must be a JSON object, not ${typeName(value)}.`);
      return undefined;
    }
    if (nestingDepth(value) > MAX_NESTING) {
      this.report('TOO_DEEPLY_NESTED', '$', `The line nests arrays and objects more than ${MAX_NESTING} levels deep; an example needs at most 4. Fix the line.`);
      return undefined;
    }
    return value;
  }
}

/** Puts the lines' results together in line order: the stored issues, duplicates, statistics and the report. */
export class ReportBuilder {
  private readonly issues: IssueLog;
  private readonly statistics: StatisticsCollector;
  private readonly seen = new DuplicateTable();
  private readonly contextLength: number;

  constructor(options: ValidateOptions) {
    this.issues = new IssueLog(options.maxStoredIssues ?? DEFAULT_MAX_STORED_ISSUES);
    this.contextLength = options.baseModel.contextLength;
    this.statistics = new StatisticsCollector(this.contextLength);
  }

  /** The excerpt is read only if the issue is stored. */
  issue(line: number, code: IssueCode, path: string, message: string, excerpt: () => string | null): void {
    this.issues.add(line, path, code, message, excerpt);
  }

  example(line: number, hash: [high: number, low: number], counts: ExampleCounts, excerpt: () => string | null): void {
    if (this.statistics.add(counts)) {
      this.issues.add(
        line,
        '$',
        'EXAMPLE_TOO_LONG',
        `The example has ${counts.tokens} tokens, more than the base model's context of ${this.contextLength}: shorten or split it, or it will be truncated.`,
        excerpt,
      );
    }
    const firstLine = this.seen.firstLineOf(hash, line);
    if (firstLine > 0) {
      this.statistics.duplicates++;
      this.issues.add(line, '$', 'DUPLICATE_EXAMPLE', `The example repeats line ${firstLine} exactly: remove one copy unless the repetition is on purpose.`, excerpt);
    }
  }

  finish({ dataLines, emptyLines }: LineTotals, counter: Pick<TokenCounter, 'exact' | 'name'>): ValidationReport {
    this.statistics.emptyLines = emptyLines;
    const examples = this.statistics.exampleCount;
    if (dataLines === 0) {
      this.issues.addFileLevel('EMPTY_FILE', 'The file has no examples: it is empty or holds only blank lines.');
    } else if (examples < MIN_EXAMPLES) {
      this.issues.addFileLevel('TOO_FEW_EXAMPLES', `The file has ${examples} valid example${examples === 1 ? '' : 's'}; at least ${MIN_EXAMPLES} are needed to fine-tune.`);
    }
    const { issues } = this;
    return {
      valid: issues.errorCount === 0,
      errorCount: issues.errorCount,
      warningCount: issues.warningCount,
      countsByCode: issues.countsByCode,
      issues: issues.stored,
      truncated: issues.truncated,
      statistics: this.statistics.result(),
      tokenCountsExact: counter.exact,
      tokenizer: counter.name,
    };
  }
}

/** Deeper than any example of either format (an example is 4 levels deep), far below what would exhaust the stack. */
export const MAX_NESTING = 32;

/**
 * How deep arrays and objects nest in a parsed value (0 for a scalar). The walk stops as soon as it is past
 * MAX_NESTING, so its recursion is at most MAX_NESTING + 1 calls deep however deep a hostile line nests (100,000
 * levels parse fine), and it allocates nothing: this runs on every line.
 */
export function nestingDepth(value: unknown): number {
  return typeof value === 'object' && value !== null ? depthOf(value, 1) : 0;
}

function depthOf(node: object, depth: number): number {
  let deepest = depth;
  if (depth > MAX_NESTING) return deepest;
  if (Array.isArray(node)) {
    for (const child of node as unknown[]) {
      if (typeof child === 'object' && child !== null) deepest = Math.max(deepest, depthOf(child, depth + 1));
      if (deepest > MAX_NESTING) return deepest;
    }
    return deepest;
  }
  for (const key in node) {
    const child = (node as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) deepest = Math.max(deepest, depthOf(child, depth + 1));
    if (deepest > MAX_NESTING) return deepest;
  }
  return deepest;
}

/** The report of a file the validator could not finish reading: one file-level error saying why, nothing usable. */
export function unfinishedReport(reason: string): ValidationReport {
  const message = `The file could not be validated (${reason.slice(0, 300)}). Check that it is JSON Lines as the format describes, then upload it again.`;
  return {
    valid: false,
    errorCount: 1,
    warningCount: 0,
    countsByCode: { VALIDATION_FAILED: 1 },
    issues: [{ line: 0, path: '$', code: 'VALIDATION_FAILED', severity: 'ERROR', message, excerpt: null }],
    truncated: false,
    statistics: new StatisticsCollector(0).result(),
    tokenCountsExact: false,
    tokenizer: ESTIMATE_COUNTER.name,
  };
}
