// A worker thread posting many jobs' callbacks, so the simulated provider does not share the event loop of the
// server it measures (in a deployment the provider is another machine). Each job posts one point per callback at a
// steady rate, the jobs spread over one period; each send is stamped with the clock every thread of the process
// shares (performance.timeOrigin + now(), as bench/lib/subscriber-fleet.ts stamps receipts). Driven by
// bench/concurrent-jobs.ts.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { eventBody, pointsFrom, post, sleep } from '../metrics.js';

export interface SenderJob {
  id: string;
  externalId: string;
  token: string;
  /** Where this job's callbacks go. */
  url: string;
  headers: Record<string, string>;
}

export interface SendCommand {
  jobs: SenderJob[];
  steps: number;
  pointsPerSecond: number;
  /** Added to each step in the body (the baseline stores its points apart from ours); receipts count 1..steps. */
  stepOffset: number;
  /** Int32Array over it, one slot per job: the highest step the server answered 200 for (what a provider's status would say). */
  answered?: SharedArrayBuffer;
}

export interface SendResult {
  /** sentAt[job * (steps + 1) + step]: when the step's callback was sent. */
  sentAt: Float64Array;
  errors: number;
  firstError: string | null;
}

const now = () => performance.timeOrigin + performance.now();

async function send(command: SendCommand): Promise<SendResult> {
  const { jobs, steps, pointsPerSecond, stepOffset } = command;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const answered = command.answered ? new Int32Array(command.answered) : null;
  const sentAt = new Float64Array(jobs.length * (steps + 1));
  let errors = 0;
  let firstError: string | null = null;
  const period = 1000 / pointsPerSecond;
  const start = performance.now() + 100;
  try {
    await Promise.all(
      jobs.map(async (job, index) => {
        const offset = (index / jobs.length) * period;
        const posts: Promise<void>[] = [];
        for (let step = 1; step <= steps; step++) {
          const wait = start + offset + (step - 1) * period - performance.now();
          if (wait > 0) await sleep(wait);
          const body = eventBody(job, pointsFrom(stepOffset + step, 1));
          sentAt[index * (steps + 1) + step] = now();
          const sent = post(agent, job.url, body, job.headers).then((res) => {
            if (res.status !== 200) throw new Error(`callback answered ${res.status}: ${res.body.slice(0, 300)}`);
            if (answered) Atomics.store(answered, index, Math.max(Atomics.load(answered, index), step));
          });
          posts.push(
            sent.catch((err: Error) => {
              errors++;
              firstError ??= err.message.slice(0, 300);
            }),
          );
        }
        await Promise.all(posts);
      }),
    );
  } finally {
    agent.destroy();
  }
  return { sentAt, errors, firstError };
}

parentPort!.on('message', async (command: SendCommand) => {
  try {
    parentPort!.postMessage({ ok: true, result: await send(command) });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: String((err as Error).stack ?? err) });
  }
});
