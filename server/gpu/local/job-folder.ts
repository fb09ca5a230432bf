// One folder per local job, <root>/jobs/<externalId>/: what the provider writes there (job.json, the trainer's
// input; meta.json, the job's place in the queue and its process) and what the trainer writes (status.json,
// points.jsonl, trainer.log). Every process on the machine reads the same files, so any worker can answer for
// any job, including one a restarted worker started.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { providerStatusSchema, type ProviderMetricPoint, type TrainerInput } from '../provider.js';

const errorSchema = providerStatusSchema.shape.error;

const metaSchema = z.object({
  externalId: z.string(),
  jobId: z.string(),
  /** Orders the queue. */
  submittedAt: z.string(),
  /** Once started: the device it runs on ('cpu' or a CUDA device number) and its process. */
  device: z.string().optional(),
  pid: z.number().int().positive().optional(),
  startedAt: z.string().optional(),
  cancelRequestedAt: z.string().optional(),
  /** Known when the process that started the trainer saw it exit. */
  exit: z.object({ code: z.number().nullable(), signal: z.string().nullable() }).optional(),
  /** How the provider ended a job its trainer could not report on (cancelled while queued, killed, lost). */
  ended: z.object({ state: z.enum(['CANCELLED', 'FAILED']), error: errorSchema, at: z.string() }).optional(),
});
export type LocalJobMeta = z.infer<typeof metaSchema>;

/** status.json as the trainer writes it (trainer/CONTRACT.md, "Local status folder"). */
const trainerStatusSchema = providerStatusSchema.pick({
  state: true,
  stage: true,
  step: true,
  totalSteps: true,
  epoch: true,
  totalEpochs: true,
  error: true,
  artifacts: true,
  startedAt: true,
  finishedAt: true,
});
export type TrainerStatus = z.infer<typeof trainerStatusSchema>;

const pointSchema = providerStatusSchema.shape.points.element;

export class JobFolder {
  readonly dir: string;

  constructor(
    root: string,
    readonly externalId: string,
  ) {
    if (!/^local-[0-9a-f-]{36}$/.test(externalId)) throw new RangeError(`not a local job id: ${externalId}`);
    this.dir = path.join(root, 'jobs', externalId);
  }

  get specPath(): string {
    return path.join(this.dir, 'job.json');
  }

  get logPath(): string {
    return path.join(this.dir, 'trainer.log');
  }

  exists(): boolean {
    return fs.existsSync(path.join(this.dir, 'meta.json'));
  }

  /** Writes the trainer's input (readable by this user only: it holds the callback token) and the job's meta. */
  create(input: TrainerInput, meta: LocalJobMeta): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeAtomic(this.specPath, JSON.stringify(input), 0o600);
    this.writeMeta(meta);
  }

  readMeta(): LocalJobMeta | null {
    return readJson(path.join(this.dir, 'meta.json'), metaSchema);
  }

  writeMeta(meta: LocalJobMeta): void {
    writeAtomic(path.join(this.dir, 'meta.json'), JSON.stringify(meta));
  }

  /** Changes the meta as read now; null when the job has none. */
  updateMeta(change: (meta: LocalJobMeta) => Partial<LocalJobMeta>): LocalJobMeta | null {
    const meta = this.readMeta();
    if (!meta) return null;
    const next = { ...meta, ...change(meta) };
    this.writeMeta(next);
    return next;
  }

  /** Claims the job for starting; false when another process already did (atomic across processes). */
  claimStart(): boolean {
    try {
      fs.writeFileSync(path.join(this.dir, 'start.claim'), String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  /** How long ago the job was claimed for starting; 0 when it was not. */
  startClaimedMsAgo(): number {
    try {
      return Date.now() - fs.statSync(path.join(this.dir, 'start.claim')).mtimeMs;
    } catch {
      return 0;
    }
  }

  /** What the trainer last reported; null before its first report. */
  readTrainerStatus(): TrainerStatus | null {
    return readJson(path.join(this.dir, 'status.json'), trainerStatusSchema);
  }

  /** The last lines of the trainer's log, for error messages. */
  logTail(maxChars = 1500): string {
    try {
      const text = fs.readFileSync(this.logPath, 'utf8').trimEnd();
      return text.length > maxChars ? `…${text.slice(-maxChars)}` : text;
    } catch {
      return '';
    }
  }
}

/**
 * The points of a job's points.jsonl, read incrementally: the file only grows, so each call reads the bytes
 * added since the last one. A line still being written (no newline yet) waits for the next call.
 */
export class PointsReader {
  private offset = 0;
  private readonly points: ProviderMetricPoint[] = [];

  constructor(private readonly file: string) {}

  /** Points with step > afterStep, oldest first, at most `limit`. */
  after(afterStep: number, limit: number): ProviderMetricPoint[] {
    this.readNew();
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.points[mid]!.step <= afterStep) low = mid + 1;
      else high = mid;
    }
    return this.points.slice(low, low + limit);
  }

  private readNew(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return; // none written yet
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buffer, 0, buffer.length, this.offset);
      const end = buffer.lastIndexOf(0x0a) + 1;
      this.offset += end;
      for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
        if (!line) continue;
        const point = pointSchema.safeParse(safeJson(line));
        // Steps only grow in the file; a repeat (a trainer that re-reported) is skipped.
        if (point.success && (this.points.length === 0 || point.data.step > this.points.at(-1)!.step)) this.points.push(point.data);
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readJson<T>(file: string, schema: z.ZodType<T>): T | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = schema.safeParse(safeJson(text));
  return parsed.success ? parsed.data : null;
}

/** Readers never see half a file: write beside it, then rename over it. */
export function writeAtomic(file: string, text: string, mode = 0o644): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(temporary, text, { mode });
  fs.renameSync(temporary, file);
}
