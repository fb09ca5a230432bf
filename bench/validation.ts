// Dataset validation benchmark: MB/s and peak RSS of the validator as the dataset-validate job's child process runs
// it (validateInThreads: this thread splits the file into batches of lines, two worker threads parse, check and count
// tokens), with and without token counting, beside a baseline that only splits lines and JSON.parses them on one
// thread, on generated 100 MB and 500 MB CHAT_JSONL files.
// Each measurement runs in its own process so peak RSS figures do not mix. The `memory` part: what a job's
// process holds after validating one dataset per catalog tokenizer, with validation in a short-lived child (as
// the job runs it) beside the same validations run in the process itself.
// `npx tsx bench/validation.ts [speed|memory ...]` runs some of them.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { BASE_MODELS, defaultBaseModel } from '../server/catalog/base-models.js';
import { validateInChild } from '../server/datasets/validate-in-child.js';
import { validateDatasetStream, validateInThreads } from '../server/datasets/validation/index.js';
import { formatBenchRows, type BenchRow } from './report.js';

const MB = 1_000_000;
const FILE_SIZES_MB = [100, 500];
const PEAK_RSS_LIMIT_MB = 300;
/** Issue 18: validation with token counting at least this fraction of the baseline's MB/s on the 500 MB file. */
const TOKENS_RATIO_TARGET = 0.3;
const BASELINE_NOTE = 'baseline: split on newlines and JSON.parse each line, on one thread, nothing else';
/** The memory part: one file of this size validated once per catalog tokenizer. */
const MEMORY_FILE_MB = 5;
const MEMORY_RSS_LIMIT_MB = 250;
const PARTS = ['speed', 'memory'] as const;

type Mode = 'baseline' | 'no-tokens' | 'tokens';

interface Measurement {
  seconds: number;
  /** User + system CPU time: less sensitive than wall time to other work on the machine. */
  cpuSeconds: number;
  /** The machine's one-minute load average when the measurement ended. */
  loadAverage: number;
  bytes: number;
  lines: number;
  peakRssMb: number;
  note: string;
}

export async function runValidationBench(parts: readonly string[] = PARTS): Promise<BenchRow[]> {
  return [...(parts.includes('speed') ? await speedRows() : []), ...(parts.includes('memory') ? await memoryRows() : [])];
}

async function speedRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const peakWithTokens: number[] = [];
  for (const sizeMb of FILE_SIZES_MB) {
    const file = join(tmpdir(), `brightrun-validation-bench-${process.pid}-${sizeMb}mb.jsonl`);
    try {
      await writeChatDataset(file, sizeMb * MB);
      const baseline = await measureInChild('baseline', file);
      const plain = await measureInChild('no-tokens', file);
      const tokens = await measureInChild('tokens', file);
      peakWithTokens.push(tokens.peakRssMb);
      const speed = (run: Measurement): number => run.bytes / MB / run.seconds;
      const context = (run: Measurement): string => `${(run.bytes / MB / run.cpuSeconds).toFixed(1)} MB/s by CPU time, load average ${run.loadAverage.toFixed(1)}`;
      const label = `${sizeMb} MB CHAT_JSONL`;
      rows.push(
        {
          figure: `validate ${label}, no token counting`,
          ours: speed(plain),
          baseline: speed(baseline),
          unit: 'MB/s',
          ratio: speed(plain) / speed(baseline),
          target: '>= 40% of baseline',
          pass: speed(plain) >= 0.4 * speed(baseline),
          note: `${plain.lines} lines; ${plain.note}; ${context(plain)}; ${BASELINE_NOTE} (${context(baseline)})`,
        },
        {
          figure: `validate ${label}, with token counting`,
          ours: speed(tokens),
          baseline: speed(baseline),
          unit: 'MB/s',
          ratio: speed(tokens) / speed(baseline),
          target: `>= ${TOKENS_RATIO_TARGET}× baseline`,
          pass: speed(tokens) >= TOKENS_RATIO_TARGET * speed(baseline),
          note: `${tokens.note}; ${context(tokens)} (CPU time of all threads); ${BASELINE_NOTE}`,
        },
        ...[plain, tokens].map((run, index) =>
          memoryRow(`peak RSS ${label}, ${index === 0 ? 'no token counting' : 'with token counting'}`, run.peakRssMb, baseline.peakRssMb, PEAK_RSS_LIMIT_MB),
        ),
      );
    } finally {
      await rm(file, { force: true });
    }
  }
  const [small, large] = peakWithTokens as [number, number];
  rows.push({
    figure: `peak RSS growth ${FILE_SIZES_MB[0]} MB → ${FILE_SIZES_MB[1]} MB file, with token counting`,
    ours: large / small,
    baseline: null,
    unit: '×',
    ratio: null,
    target: '<= 1.2× (flat)',
    pass: large / small <= 1.2,
    note: 'only the duplicate table grows: 16–32 bytes per distinct example',
  });
  return rows;
}

/** Runs one measurement in a fresh Node process (this file with --measure) and reads its JSON result. */
async function measureInChild<T = Measurement>(mode: Mode | MemoryMode, file: string): Promise<T> {
  const args = ['--expose-gc', '--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), '--measure', mode, file];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

function memoryRow(figure: string, ours: number, baseline: number, limitMb: number, note?: string): BenchRow {
  return { figure, ours, baseline, unit: 'MB', ratio: ours / baseline, target: `< ${limitMb} MB`, pass: ours < limitMb, ...(note ? { note } : {}) };
}

type MemoryMode = 'memory-in-child' | 'memory-here';
interface MemoryMeasurement {
  startMb: number;
  endMb: number;
  tokenizers: string[];
}

async function memoryRows(): Promise<BenchRow[]> {
  const file = join(tmpdir(), `brightrun-validation-bench-${process.pid}-memory.jsonl`);
  try {
    await writeChatDataset(file, MEMORY_FILE_MB * MB);
    const inChild = await measureInChild<MemoryMeasurement>('memory-in-child', file);
    const here = await measureInChild<MemoryMeasurement>('memory-here', file);
    return [
      memoryRow(
        'RSS of a process after validating one dataset per catalog tokenizer',
        inChild.endMb,
        here.endMb,
        MEMORY_RSS_LIMIT_MB,
        `a ${MEMORY_FILE_MB} MB file validated with ${inChild.tokenizers.join(', ')}, one after another, RSS after a full GC; ours: each validation in a short-lived child process, as the dataset-validate job runs it (${inChild.startMb.toFixed(0)} MB before); baseline: the same validations in the process itself, which keeps each tokenizer loaded (${here.startMb.toFixed(0)} MB before); load average ${loadavg()[0]!.toFixed(1)}`,
      ),
    ];
  } finally {
    await rm(file, { force: true });
  }
}

/** In the child: validates the file once per catalog tokenizer, in a grandchild or here, and reads RSS after GC. */
async function measureMemory(mode: MemoryMode, file: string): Promise<MemoryMeasurement> {
  const rss = () => {
    globalThis.gc?.();
    return process.memoryUsage().rss / 2 ** 20;
  };
  const startMb = rss();
  const models = [...new Map(BASE_MODELS.map((model) => [model.tokenizer, model])).values()];
  for (const baseModel of models) {
    const options = { format: 'CHAT_JSONL' as const, baseModel };
    await (mode === 'memory-in-child' ? validateInChild(createReadStream(file), options) : validateDatasetStream(createReadStream(file), options));
  }
  return { startMb, endMb: rss(), tokenizers: models.map((model) => model.tokenizer) };
}

/** The measurement itself, in the child: reads the file once in the given mode. */
async function measure(mode: Mode, file: string): Promise<Measurement> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  let lines = 0;
  let note = 'line split + JSON.parse';
  const stream = createReadStream(file);
  if (mode === 'baseline') {
    lines = await parseLines(stream);
  } else {
    const report = await validateInThreads(stream, {
      format: 'CHAT_JSONL',
      baseModel: defaultBaseModel(),
      countTokens: mode === 'tokens',
    });
    lines = report.statistics.examples + report.statistics.emptyLines;
    note = `${report.tokenizer}, ${report.statistics.totalTokens} tokens, ${report.errorCount} errors; ours: validateInThreads as the job's child process runs it, 1 MiB batches of lines checked on 2 worker threads (each loads the tokenizer, both at once on a file over 4 MiB; the table of piece counts is shared)`;
  }
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpuAtStart);
  const usage = process.resourceUsage();
  return {
    seconds,
    cpuSeconds: (user + system) / 1e6,
    loadAverage: loadavg()[0]!,
    bytes: statSync(file).size,
    lines,
    peakRssMb: usage.maxRSS / 1024,
    note,
  };
}

/** The baseline: split on \n (joining lines that span chunks) and JSON.parse each line, nothing else. */
async function parseLines(input: AsyncIterable<Buffer>): Promise<number> {
  let lines = 0;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let end = data.indexOf(10); end >= 0; end = data.indexOf(10, start)) {
      JSON.parse(data.toString('utf8', start, end));
      lines++;
      start = end + 1;
    }
    rest = data.subarray(start);
  }
  if (rest.length > 0) {
    JSON.parse(rest.toString('utf8'));
    lines++;
  }
  return lines;
}

// ---- Generated data: varied, Zipf-distributed vocabulary so the tokenizer cache is not flattered.

const SYLLABLES = 'ka lo mi ne ra tu so vi an el or ing tion pre con de st ph qu ex ul am io ber ment ly'.split(' ');
const COMMON = (
  'the of and to in is that for it as with was on be by this are or at from you your can how what which ' +
  'model training data learning rate adapter dataset token loss epoch we they will would should not but'
).split(' ');
const EXTRAS = ['.', ',', '?', ':', ' (see above)', ' 42', ' 2024', '\n', '\n\n', ' "quoted"', " it's", ' café', ' 東京'];

/** A small deterministic generator (mulberry32) so every run benchmarks the same file. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vocabulary(next: () => number, size: number): string[] {
  return Array.from({ length: size }, () => {
    let word = '';
    const syllables = 1 + Math.floor(next() * 4);
    for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    return next() < 0.1 ? word[0]!.toUpperCase() + word.slice(1) : word;
  });
}

function text(next: () => number, words: string[], length: number): string {
  let out = '';
  while (out.length < length) {
    // Half the words from a short common list, the rest Zipf-like from 50,000 rarer ones.
    const word = next() < 0.5 ? COMMON[Math.floor(next() * COMMON.length)] : words[Math.floor(words.length * next() ** 3)];
    out += (out ? ' ' : '') + word;
    if (next() < 0.08) out += EXTRAS[Math.floor(next() * EXTRAS.length)];
  }
  return out;
}

/** Writes about `bytes` bytes of valid CHAT_JSONL (system, user, assistant; ~1.5 KB a line). */
export async function writeChatDataset(file: string, bytes: number): Promise<void> {
  const next = random(42);
  const words = vocabulary(next, 50_000);
  const out = createWriteStream(file);
  let written = 0;
  let block = '';
  for (let id = 1; written < bytes; id++) {
    const example = {
      messages: [
        { role: 'system', content: text(next, words, 100 + next() * 200) },
        { role: 'user', content: `Question ${id}: ${text(next, words, 100 + next() * 600)}` },
        { role: 'assistant', content: text(next, words, 200 + next() * 1400) },
      ],
    };
    const line = `${JSON.stringify(example)}\n`;
    block += line;
    written += Buffer.byteLength(line);
    if (block.length > 4 * 1024 * 1024) {
      if (!out.write(block)) await once(out, 'drain');
      block = '';
    }
  }
  out.end(block);
  await once(out, 'finish');
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const [flag, mode, file] = process.argv.slice(2);
  if (flag === '--measure') {
    const result = mode!.startsWith('memory') ? await measureMemory(mode as MemoryMode, file!) : await measure(mode as Mode, file!);
    console.log(JSON.stringify(result));
  } else {
    const named = process.argv.slice(2);
    console.log(formatBenchRows(await runValidationBench(named.length ? named : PARTS)));
  }
}
