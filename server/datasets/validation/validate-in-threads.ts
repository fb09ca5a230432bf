// Validates a dataset on worker threads, so token counting (most of the work) uses both cores on a large file.
// This thread splits the stream into batches of whole lines and sends them round the threads; each thread parses,
// checks and counts its lines (validation-thread.ts); the results are put together here in line order by the same
// ReportBuilder the single-threaded validator uses, so the report is the one validateDatasetStream gives. A file
// smaller than one batch is checked on this thread (the tokenizer then stays loaded here: the job runs this in a
// short-lived child process, validate-in-child.ts).
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { lineExcerpt } from './issue-log.js';
import { LineSplitter, type LineHandler } from './line-splitter.js';
import type { ValidateOptions, ValidationReport } from './types.js';
import { DEFAULT_MAX_LINE_BYTES, lineContent, ReportBuilder, type LineTotals } from './validate-dataset.js';
import { newPieceCache } from '../tokenizers.js';
import { BatchChecker, EXAMPLE_FIELDS, type Batch, type BatchResult, type FromThread, type ThreadData } from './validation-thread.js';

export interface ThreadOptions {
  /** Threads at most (default: 2, or 1 on a machine with one core). */
  threads?: number;
  /** Bytes of lines per batch (default 1 MiB). */
  batchBytes?: number;
  /**
   * The second thread (and its own copy of the tokenizer, up to 330 MB) starts only once this many bytes have been
   * read (default 4 MiB): a small file is done sooner than a tokenizer loads. Lines are read ahead while the first
   * thread loads its tokenizer, so on a large file both load at once.
   */
  moreThreadsAfterBytes?: number;
}

const BATCH_BYTES = 1024 * 1024;
const MORE_THREADS_AFTER_BYTES = 4 * 1024 * 1024;
/** Batches sent to a thread and not yet back: one being checked and one waiting, so a thread never idles. */
const IN_FLIGHT_PER_THREAD = 2;
/** Batches read and not yet put in the report: bounds the memory held while threads start or an earlier batch is out. */
const MAX_UNBUILT_BATCHES = 8;

/** Same answer as validateDatasetStream, computed on worker threads that end when it is done. */
export async function validateInThreads(input: AsyncIterable<Buffer | Uint8Array>, options: ValidateOptions, threadOptions: ThreadOptions = {}): Promise<ValidationReport> {
  const validation = new ThreadedValidation(options, threadOptions);
  try {
    return await validation.run(input);
  } finally {
    await validation.stop();
  }
}

interface Lane {
  worker: Worker;
  /** Its tokenizer is loaded: a thread still loading is sent nothing, so no batch waits behind it. */
  ready: boolean;
  inFlight: number;
}

class ThreadedValidation implements LineHandler {
  private readonly builder: ReportBuilder;
  private readonly maxLineBytes: number;
  private readonly maxThreads: number;
  private readonly batchBytes: number;
  private readonly moreThreadsAfterBytes: number;
  private readonly lanes: Lane[] = [];
  /** The threads share their token counts of the pieces of text, so each distinct word is counted once. */
  private pieceCache: SharedArrayBuffer | null = null;
  /** Full batches not sent yet. */
  private readonly ready: Batch[] = [];
  /** Results that came back before those of earlier batches. */
  private readonly results = new Map<number, BatchResult>();
  private readonly totals: LineTotals = { dataLines: 0, emptyLines: 0 };
  /** What counts the tokens, as the first thread says once its tokenizer is loaded. */
  private counter: { exact: boolean; name: string } | null = null;
  private batch: Batch;
  private used = 0;
  private ends: number[] = [];
  private sentSeq = 0;
  private nextToBuild = 0;
  private bytesSent = 0;
  /** Buffers handed back, for the next batches. */
  private readonly spare: Uint8Array[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly options: ValidateOptions,
    threadOptions: ThreadOptions,
  ) {
    this.builder = new ReportBuilder(options);
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxThreads = Math.max(1, threadOptions.threads ?? Math.min(2, availableParallelism()));
    this.batchBytes = threadOptions.batchBytes ?? BATCH_BYTES;
    this.moreThreadsAfterBytes = threadOptions.moreThreadsAfterBytes ?? MORE_THREADS_AFTER_BYTES;
    this.batch = this.newBatch(1);
  }

  async run(input: AsyncIterable<Buffer | Uint8Array>): Promise<ValidationReport> {
    const splitter = new LineSplitter(this.maxLineBytes, this);
    for await (const chunk of input) {
      splitter.push(chunk);
      if (this.ready.length === 0) continue;
      // A file larger than a batch: threads from now on.
      if (this.lanes.length === 0) this.addLane();
      await this.sendReady();
    }
    splitter.end();
    if (this.lanes.length === 0) return this.checkHere();
    if (this.ends.length > 0) this.closeBatch();
    await this.sendReady(true);
    while (this.nextToBuild < this.sentSeq || !this.counter) await this.progress();
    return this.builder.finish(this.totals, this.counter);
  }

  /** A file that fits in one batch is checked on this thread: starting a thread would take longer. */
  private checkHere(): ValidationReport {
    const checker = new BatchChecker(this.options);
    if (this.ends.length > 0) {
      this.closeBatch();
      this.build(checker.check(this.ready.shift()!));
    }
    return this.builder.finish(this.totals, checker.counter);
  }

  async stop(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
  }

  // LineHandler: each line is copied into the batch being filled (the splitter's bytes are only lent).
  line(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.batch.data.length) {
      if (this.ends.length > 0) this.closeBatch();
      if (bytes.length > this.batch.data.length) this.batch.data = new Uint8Array(bytes.length);
    }
    this.batch.data.set(bytes, this.used);
    this.used += bytes.length;
    this.ends.push(this.used);
  }

  tooLong(lineNumber: number): void {
    this.batch.skipped.push(lineNumber);
    this.ends.push(this.used);
  }

  private newBatch(firstLine: number): Batch {
    const data = this.spare.pop() ?? new Uint8Array(this.batchBytes);
    return { seq: 0, firstLine, data, ends: new Uint32Array(0), skipped: [] };
  }

  private closeBatch(): void {
    const { batch } = this;
    batch.seq = this.sentSeq + this.ready.length;
    batch.ends = Uint32Array.from(this.ends);
    // Send only the bytes used; the buffer comes back whole.
    this.ready.push(batch);
    this.bytesSent += this.used;
    this.batch = this.newBatch(batch.firstLine + this.ends.length);
    this.used = 0;
    this.ends = [];
  }

  /**
   * Sends the full batches, waiting while every thread has its share in flight; while a thread is still starting,
   * returns to read on instead (all: not before every batch is sent), as long as the batches held stay few.
   */
  private async sendReady(all = false): Promise<void> {
    while (this.ready.length > 0) {
      const lane = this.freeLane();
      if (!lane) {
        const held = this.ready.length + this.sentSeq - this.nextToBuild;
        if (!all && held < MAX_UNBUILT_BATCHES && this.lanes.some((lane) => !lane.ready)) return;
        await this.progress();
        continue;
      }
      const batch = this.ready.shift()!;
      lane.inFlight++;
      this.sentSeq++;
      lane.worker.postMessage(batch, [batch.data.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer]);
    }
  }

  /** The least busy thread with room, starting another when all are busy (or starting) and the file is large enough. */
  private freeLane(): Lane | null {
    const allBusy = this.lanes.every((lane) => !lane.ready || lane.inFlight > 0);
    if (allBusy && this.lanes.length < this.maxThreads && this.bytesSent >= this.moreThreadsAfterBytes) this.addLane();
    let best: Lane | null = null;
    for (const lane of this.lanes) if (lane.ready && (!best || lane.inFlight < best.inFlight)) best = lane;
    if (this.sentSeq - this.nextToBuild >= MAX_UNBUILT_BATCHES) return null;
    return best && best.inFlight < IN_FLIGHT_PER_THREAD ? best : null;
  }

  private addLane(): void {
    this.pieceCache ??= newPieceCache();
    const lane: Lane = { worker: startThread({ validationThread: true, options: this.options, pieceCache: this.pieceCache }), ready: false, inFlight: 0 };
    lane.worker.on('message', (message: FromThread) => {
      try {
        if (message.type === 'ready') {
          lane.ready = true;
          this.counter ??= { exact: message.exact, name: message.name };
        } else {
          lane.inFlight--;
          this.take(message);
        }
      } catch (err) {
        this.fail(err as Error);
      }
      this.wakeUp();
    });
    lane.worker.on('error', (err) => this.fail(err));
    lane.worker.on('exit', (code) => this.fail(new Error(`a validation thread exited (code ${code}) before it was done`)));
    this.lanes.push(lane);
  }

  /** Resolves when a result comes back; throws once a thread has failed. */
  private async progress(): Promise<void> {
    if (!this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private take(result: BatchResult): void {
    this.results.set(result.batch.seq, result);
    for (let next = this.results.get(this.nextToBuild); next; next = this.results.get(this.nextToBuild)) {
      this.results.delete(this.nextToBuild);
      this.nextToBuild++;
      this.build(next);
    }
  }

  /** Hands one batch's results to the report, in line order: a line's issues, then its example. */
  private build({ batch, issues, examples, dataLines, emptyLines }: BatchResult): void {
    const { builder } = this;
    const { firstLine, data, ends, skipped } = batch;
    const excerpt = (line: number) => (): string | null => {
      if (skipped.includes(line)) return null;
      const index = line - firstLine;
      return lineExcerpt(lineContent(data.subarray(index === 0 ? 0 : ends[index - 1], ends[index]), line));
    };
    const exampleCount = examples.length / EXAMPLE_FIELDS;
    let issue = 0;
    for (let example = 0; issue < issues.length || example < exampleCount; ) {
      const at = example * EXAMPLE_FIELDS;
      const exampleLine = example < exampleCount ? examples[at]! : Infinity;
      const next = issues[issue];
      if (next && next.line <= exampleLine) {
        builder.issue(next.line, next.code, next.path, next.message, excerpt(next.line));
        issue++;
        continue;
      }
      const counts = { tokens: examples[at + 1]!, system: examples[at + 4]!, user: examples[at + 5]!, assistant: examples[at + 6]!, trained: examples[at + 7]! };
      builder.example(exampleLine, [examples[at + 2]!, examples[at + 3]!], counts, excerpt(exampleLine));
      example++;
    }
    this.totals.dataLines += dataLines;
    this.totals.emptyLines += emptyLines;
    if (data.length === this.batchBytes) this.spare.push(data);
  }
}

const require = createRequire(import.meta.url);

/** Starts a validation thread: from TypeScript source (npm start, tests) through tsx, as the child process does. */
function startThread(workerData: ThreadData): Worker {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return new Worker(new URL('./validation-thread.js', import.meta.url), { workerData });
  const api = pathToFileURL(require.resolve('tsx/esm/api')).href;
  const file = new URL('./validation-thread.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(file)}, ${JSON.stringify(file)}))`;
  return new Worker(bootstrap, { eval: true, workerData });
}
