// Trainer throughput on the CPU: the real trainer (run_job with its callbacks and HTTP reporting) beside a bare
// transformers forward + backward + AdamW loop over the same model, LoRA and batches (trainer/bench/throughput.py).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './report.js';

const TRAINER_DIR = fileURLToPath(new URL('../trainer', import.meta.url));
const TARGET_RATIO = 0.8;

interface ThroughputResult {
  versions: { torch: string; transformers: string };
  model: { hidden: number; layers: number; lora_rank: number };
  steps: number;
  batch: number;
  seq: number;
  trainer_tokens_per_second: number;
  bare_tokens_per_second: number;
  ratio: number;
  median_ratio: number;
  machine: { torch_threads: number };
}

export async function runTrainerBench(): Promise<BenchRow[]> {
  // The trainer's venv, as npm test makes it (does nothing when it is ready): a fresh checkout has none.
  await promisify(execFile)('bash', [path.join(TRAINER_DIR, 'setup.sh')], { timeout: 30 * 60_000 });
  const python = path.join(TRAINER_DIR, '.venv', 'bin', 'python');
  const { stdout } = await promisify(execFile)(python, ['bench/throughput.py'], { cwd: TRAINER_DIR, maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 });
  const result = JSON.parse(stdout) as ThroughputResult;
  const { model, versions } = result;
  const setup = `random-weight Llama (hidden ${model.hidden}, ${model.layers} layers), LoRA r${model.lora_rank} on all projections, batch ${result.batch} × ${result.seq} tokens, ${result.steps} steps, best of 3, ${result.machine.torch_threads} torch threads; torch ${versions.torch}, transformers ${versions.transformers}`;
  return [
    {
      figure: 'trainer training throughput, CPU, tiny Llama',
      ours: result.trainer_tokens_per_second,
      baseline: result.bare_tokens_per_second,
      unit: 'tokens/s',
      ratio: result.ratio,
      target: `>= ${TARGET_RATIO} of the bare loop`,
      pass: result.ratio >= TARGET_RATIO,
      note: `baseline: a bare forward+backward+AdamW loop on the same batches; median of the runs ${result.median_ratio}; ${setup}`,
    },
  ];
}
