// The simulated GPU provider as its own HTTP service: submit, status, cancel, artifacts and fault knobs.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { SimulatedFaults } from '../provider.js';
import { SimulatedJob, type JobContext } from './job.js';
import { faultsSchema, submitRequestSchema } from './request.js';

export interface SimulatedProviderOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Simulated seconds per wall second: at 5 a small demo run (1,000 examples, 7B, 3 epochs) takes about a minute. */
  speedFactor: number;
  /** Wall time per training step, overriding the one derived from throughput (tests). */
  stepIntervalMs?: number;
  /** Points per metrics callback at most; a partial batch goes after 250 ms. */
  callbackBatchSize?: number;
  log?: (msg: string, extra?: object) => void;
}

export interface SimulatedProvider {
  url: string;
  close(): Promise<void>;
  /** Replaces the global faults; downForMs starts counting now. */
  setFaults(faults: SimulatedFaults): void;
}

const MAX_BODY_BYTES = 1_000_000;
const CALLBACK_FLUSH_MS = 250;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
  ) {
    super(`HTTP ${status}`);
  }
}

export async function startSimulatedProvider(options: SimulatedProviderOptions): Promise<SimulatedProvider> {
  if (!(options.speedFactor > 0)) throw new Error('speedFactor must be positive');
  const log = options.log ?? (() => {});
  const artifactsDir = await mkdtemp(join(tmpdir(), 'brightrun-simulated-'));
  const closing = new AbortController();
  const jobs = new Map<string, SimulatedJob>();
  let globalFaults: SimulatedFaults = {};
  let downUntil = 0;
  let url = '';
  // Held artifact downloads wait on this; setting faults without holdArtifacts lets them go.
  let releaseArtifacts = () => {};
  let artifactsReleased = new Promise<void>((resolve) => (releaseArtifacts = resolve));

  const setFaults = (faults: SimulatedFaults) => {
    globalFaults = faults;
    if (!faults.holdArtifacts) {
      releaseArtifacts();
      artifactsReleased = new Promise<void>((resolve) => (releaseArtifacts = resolve));
    }
    downUntil = Date.now() + (faults.downForMs ?? 0);
    log('simulated provider faults set', { faults });
  };

  const context: JobContext = {
    speedFactor: options.speedFactor,
    stepIntervalMs: options.stepIntervalMs,
    callbackBatchSize: options.callbackBatchSize ?? 20,
    callbackFlushMs: CALLBACK_FLUSH_MS,
    artifactsDir,
    artifactUrl: (externalId, name) => `${url}/v1/jobs/${encodeURIComponent(externalId)}/artifacts/${encodeURIComponent(name)}`,
    globalFaults: () => globalFaults,
    globalDownUntil: () => downUntil,
    signal: closing.signal,
    log,
  };

  const findJob = (id: string): SimulatedJob => {
    const job = jobs.get(id);
    if (!job) throw new HttpError(404, { error: 'not_found', message: `No job ${id}` });
    if (job.isDown()) throw new HttpError(503, { error: 'unavailable', message: 'Simulated outage (job fault)' });
    return job;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${pathname}`;

    if (route === 'POST /v1/admin/faults') {
      setFaults(parse(faultsSchema, await readJson(req)));
      return sendJson(res, 200, { faults: globalFaults });
    }
    if (Date.now() < downUntil) {
      res.setHeader('Retry-After', String(Math.ceil((downUntil - Date.now()) / 1000)));
      throw new HttpError(503, { error: 'unavailable', message: 'Simulated outage' });
    }
    if (route === 'GET /healthz') return sendJson(res, 200, { ok: true, jobs: jobs.size });
    if (route === 'POST /v1/jobs') {
      const submit = parse(submitRequestSchema, await readJson(req));
      const job = new SimulatedJob(`sim-${randomUUID()}`, submit, context);
      jobs.set(job.externalId, job);
      job.start();
      log('simulated job submitted', { externalId: job.externalId, jobId: submit.jobId, totalSteps: job.plan.totalSteps });
      if (globalFaults.submitAnswerDelayMs) await sleep(globalFaults.submitAnswerDelayMs);
      return sendJson(res, 201, { id: job.externalId, state: job.state });
    }

    const match = /^\/v1\/jobs\/([^/]+)(?:\/(cancel)|\/artifacts\/([^/]+))?$/.exec(pathname);
    if (!match) throw new HttpError(404, { error: 'not_found', message: `No route ${route}` });
    const job = findJob(decodeURIComponent(match[1]!));
    if (req.method === 'GET' && !match[2] && !match[3]) {
      const afterStep = Number(searchParams.get('afterStep') ?? 0);
      if (!Number.isFinite(afterStep)) throw new HttpError(400, { error: 'invalid_request', message: 'Bad afterStep' });
      return sendJson(res, 200, job.status(afterStep));
    }
    if (req.method === 'POST' && match[2]) return sendJson(res, 200, { state: job.cancel() });
    if (req.method === 'GET' && match[3]) {
      const file = job.artifactFile(decodeURIComponent(match[3]));
      if (!file) throw new HttpError(404, { error: 'not_found', message: 'No such artifact (yet)' });
      if (globalFaults.holdArtifacts) await Promise.race([artifactsReleased, once(closing.signal, 'abort')]);
      if (globalFaults.artifactDelayMs) await sleep(globalFaults.artifactDelayMs);
      res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.size });
      return pipeline(createReadStream(file.path), res);
    }
    throw new HttpError(405, { error: 'method_not_allowed', message: `No route ${route}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) return sendJson(res, error.status, error.body);
      log('simulated provider error', { error: String(error) });
      sendJson(res, 500, { error: 'internal', message: 'Internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  // Listening on every interface still needs a host name others can use in artifact URLs.
  const unspecified = address.address === '0.0.0.0' || address.address === '::';
  const host = unspecified ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;
  log('simulated provider listening', { url, speedFactor: options.speedFactor });

  return {
    url,
    setFaults,
    async close() {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // A job may be writing its artifacts; removing the folder under it fails with ENOTEMPTY.
      await Promise.all([...jobs.values()].map((job) => job.stopped()));
      await rm(artifactsDir, { recursive: true, force: true });
    },
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(400, { error: 'invalid_request', message: z.prettifyError(result.error) });
  }
  return result.data;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { error: 'too_large', message: 'Body over 1 MB' });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, { error: 'invalid_request', message: 'Body is not JSON' });
  }
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
