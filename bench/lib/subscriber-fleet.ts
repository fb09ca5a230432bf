// A worker thread holding many WebSocket subscribers, so the benchmark's clients do not share the server's event
// loop. Each subscriber records when it first received each step (performance.timeOrigin + now(): one clock for
// every thread of the process), and counts duplicates, steps out of order and errors. Driven by bench/metrics.ts.
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import WebSocket from 'ws';

export type FleetCommand =
  | {
      cmd: 'open';
      url: string;
      count: number;
      /** Each subscriber speaks graphql-transport-ws: connection_init with the token, then one subscribe (id 1). */
      token: string;
      query: string;
      variables?: Record<string, unknown>;
      /** Per subscriber, replacing url and variables: one feed each (subscriber i on urls[i] with variablesEach[i]). */
      urls?: string[];
      variablesEach?: Record<string, unknown>[];
      /** Receipt times are kept for steps 1..maxStep. */
      maxStep: number;
    }
  | { cmd: 'waitFor'; step: number; timeoutMs: number }
  | { cmd: 'counters' }
  | { cmd: 'busy' }
  | { cmd: 'collect' }
  | { cmd: 'close' };

export interface FleetCounters {
  frames: number;
  points: number;
  /** Bytes of the frames counted: two servers' frames of the same points should be about the same size. */
  bytes: number;
}

export interface FleetResult {
  count: number;
  maxStep: number;
  /** receipts[subscriber * (maxStep + 1) + step]: when the step first arrived (0: never). */
  receipts: Float64Array;
  duplicates: number;
  outOfOrder: number;
  errors: number;
  firstError: string | null;
}

const now = () => performance.timeOrigin + performance.now();

let sockets: WebSocket[] = [];
let lastStep = new Int32Array(0);
let receipts = new Float64Array(0);
let maxStep = 0;
let counters: FleetCounters = { frames: 0, points: 0, bytes: 0 };
let duplicates = 0;
let outOfOrder = 0;
let errors = 0;
let firstError: string | null = null;

function fail(message: string): void {
  errors++;
  firstError ??= message.slice(0, 300);
}

const NEXT = Buffer.from('"type":"next"');
const ERRORS = Buffer.from('"errors"');
const STEP = Buffer.from('"step":');

/** Steps are read straight from the frame's bytes: a thousand JSON.parse calls a batch would measure the client. */
function onMessage(index: number, data: Buffer): void {
  const at = now();
  if (data.indexOf(NEXT) < 0 || data.indexOf(ERRORS) >= 0) {
    const message = JSON.parse(data.toString()) as { type: string; payload?: unknown };
    if (message.type === 'ping' || message.type === 'pong') return;
    fail(`${message.type}: ${JSON.stringify(message.payload)}`);
    return;
  }
  counters.frames++;
  counters.bytes += data.length;
  for (let pos = data.indexOf(STEP); pos >= 0; pos = data.indexOf(STEP, pos)) {
    pos += STEP.length;
    let step = 0;
    for (let c = data[pos]!; c >= 48 && c <= 57; c = data[++pos]!) step = step * 10 + (c - 48);
    counters.points++;
    if (step <= lastStep[index]!) outOfOrder++;
    lastStep[index] = Math.max(lastStep[index]!, step);
    if (step > maxStep) continue;
    const slot = index * (maxStep + 1) + step;
    if (receipts[slot]! > 0) duplicates++;
    else receipts[slot] = at;
  }
}

async function open(command: Extract<FleetCommand, { cmd: 'open' }>): Promise<void> {
  maxStep = command.maxStep;
  receipts = new Float64Array(command.count * (maxStep + 1));
  lastStep = new Int32Array(command.count);
  counters = { frames: 0, points: 0, bytes: 0 };
  duplicates = outOfOrder = errors = 0;
  firstError = null;
  sockets = [];
  const openOne = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(command.urls?.[index] ?? command.url, 'graphql-transport-ws');
      sockets[index] = ws;
      ws.once('error', reject);
      ws.on('close', (code) => code !== 1000 && code !== 1001 && code !== 1005 && fail(`socket ${index} closed with ${code}`));
      ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${command.token}` } })));
      ws.once('message', (data) => {
        const ack = JSON.parse(data.toString()) as { type: string };
        if (ack.type !== 'connection_ack') return reject(new Error(`expected connection_ack, got ${data.toString().slice(0, 200)}`));
        ws.on('message', (next) => onMessage(index, next as Buffer));
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: command.query, variables: command.variablesEach?.[index] ?? command.variables } }));
        resolve();
      });
    });
  // A few at a time: a thousand handshakes at once would only measure the accept queue.
  const parallel = 50;
  for (let start = 0; start < command.count; start += parallel) {
    await Promise.all(Array.from({ length: Math.min(parallel, command.count - start) }, (_, i) => openOne(start + i)));
  }
}

async function waitFor(step: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let behind = 0;
    for (let i = 0; i < sockets.length; i++) if (lastStep[i]! < step) behind++;
    if (behind === 0 || Date.now() > deadline) return behind;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function close(): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000);
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 2000).unref();
        }),
    ),
  );
  sockets = [];
}

parentPort!.on('message', async (command: FleetCommand) => {
  try {
    switch (command.cmd) {
      case 'open':
        await open(command);
        return parentPort!.postMessage({ ok: true });
      case 'waitFor':
        return parentPort!.postMessage({ ok: true, behind: await waitFor(command.step, command.timeoutMs) });
      case 'counters':
        return parentPort!.postMessage({ ok: true, counters: { ...counters } });
      case 'busy':
        // This thread's event loop utilisation so far: idle and active time, for a difference over a window.
        return parentPort!.postMessage({ ok: true, elu: performance.eventLoopUtilization() });
      case 'collect': {
        const result: FleetResult = { count: sockets.length, maxStep, receipts, duplicates, outOfOrder, errors, firstError };
        return parentPort!.postMessage({ ok: true, result });
      }
      case 'close':
        await close();
        return parentPort!.postMessage({ ok: true });
    }
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: String((err as Error).stack ?? err) });
  }
});
