// Validates a dataset in a short-lived child process. Tokenizers cost up to 330 MB each once loaded and are kept
// for the life of the process that loads them: in a child, that memory goes back when the child exits, so the
// process that runs the job stays lean whatever models its users pick. The parent reads the file; the child splits
// it into batches of lines that two worker threads parse and count (validation/validate-in-threads.ts), so a large
// file keeps both cores busy counting tokens.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateInThreads, type ValidateOptions, type ValidationReport } from './validation/index.js';

/** Chunks sent and not yet taken by the child: a slow child holds the reading back instead of filling memory. */
const MAX_IN_FLIGHT = 16;
/** The argument that makes this module run as the child. */
const CHILD_FLAG = '--validation-child';

type ToChild = { type: 'start'; options: ValidateOptions } | { type: 'chunk'; data: Uint8Array } | { type: 'end' };
type ToParent = { type: 'taken' } | { type: 'report'; report: ValidationReport } | { type: 'error'; message: string };

/** Same answer as validateDatasetStream, computed in a child process that exits when done. */
export async function validateInChild(input: AsyncIterable<Buffer | Uint8Array>, options: ValidateOptions): Promise<ValidationReport> {
  const file = fileURLToPath(import.meta.url);
  // Run from TypeScript source (npm start, tests), the child needs tsx too.
  const child = fork(file, [CHILD_FLAG], { execArgv: file.endsWith('.ts') ? ['--import', 'tsx'] : [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let inFlight = 0;
  let resume: (() => void) | null = null;
  const done = new Promise<ValidationReport>((resolve, reject) => {
    child.on('message', (message: ToParent) => {
      if (message.type === 'taken') {
        inFlight--;
        resume?.();
      } else if (message.type === 'report') resolve(message.report);
      else reject(new Error(message.message));
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`the validation process exited (${signal ?? `code ${code}`}) before reporting`)));
  });
  // Rejections are read below; one that comes while the file is still being read must not go unhandled meanwhile.
  done.catch(() => {});
  try {
    await send(child, { type: 'start', options });
    for await (const chunk of input) {
      while (inFlight >= MAX_IN_FLIGHT) await Promise.race([new Promise<void>((resolve) => (resume = resolve)), done]);
      inFlight++;
      await send(child, { type: 'chunk', data: chunk });
    }
    await send(child, { type: 'end' });
    return await done;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

function send(child: ChildProcess, message: ToChild): Promise<void> {
  return new Promise((resolve, reject) => child.send(message, (err) => (err ? reject(err) : resolve())));
}

/** The child: takes the options and the file's chunks from the parent, sends back the report, and exits. */
async function runChild(): Promise<void> {
  // A parent that is gone (killed, say) wants no report: stop at once rather than count to the end for nobody.
  process.once('disconnect', () => process.exit(1));
  const queue: ToChild[] = [];
  let wake: (() => void) | null = null;
  process.on('message', (message: ToChild) => {
    queue.push(message);
    wake?.();
  });
  const next = async (): Promise<ToChild> => {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return queue.shift()!;
  };
  const reply = (message: ToParent) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let message = await next(); message.type === 'chunk'; message = await next()) {
      void reply({ type: 'taken' });
      yield message.data;
    }
  }
  try {
    const start = await next();
    if (start.type !== 'start') throw new Error(`expected the options first, got ${start.type}`);
    await reply({ type: 'report', report: await validateInThreads(chunks(), start.options) });
  } catch (err) {
    await reply({ type: 'error', message: (err as Error).message });
  }
  process.exit(0);
}

if (process.argv[2] === CHILD_FLAG && process.send) await runChild();
