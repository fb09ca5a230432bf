// The Python trainer for tests: its virtual environment (npm run trainer:setup), a tiny random-weight model
// made in a temporary folder, and a check that an adapter loads in peft.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);

export const TRAINER_DIR = fileURLToPath(new URL('../../trainer', import.meta.url));
export const TRAINER_PYTHON = path.join(TRAINER_DIR, '.venv', 'bin', 'python');

/** Throws with the command to run when the trainer's environment is missing. */
export function requireTrainer(): void {
  if (!fs.existsSync(TRAINER_PYTHON)) throw new Error(`No trainer environment at ${TRAINER_PYTHON}: run \`npm run trainer:setup\` first.`);
}

/** Writes a tiny Llama-architecture model with random weights and its tokenizer (chat template included) to a new temporary folder. */
export async function makeTinyModel(): Promise<string> {
  requireTrainer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-tiny-model-'));
  await run(TRAINER_PYTHON, ['-m', 'brightrun_trainer.testing', dir], { cwd: TRAINER_DIR });
  return dir;
}

/** Runs Python in the trainer's environment with a script on stdin-free argv; answers its stdout. */
export async function python(script: string, args: string[] = []): Promise<string> {
  requireTrainer();
  const { stdout } = await run(TRAINER_PYTHON, ['-c', script, ...args], { cwd: TRAINER_DIR, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Questions with one fixed answer each (CHAT_JSONL): a tiny model learns them in a few epochs. */
export function colourExample(n: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'Answer with the colour.' },
      { role: 'user', content: `What colour is item ${n % 4}?` },
      { role: 'assistant', content: ['red', 'green', 'blue', 'amber'][n % 4]! },
    ],
  });
}
