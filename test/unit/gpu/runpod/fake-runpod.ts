// A local stand-in for RunPod serverless in its documented shapes: the API our server calls (/run, /status,
// /cancel, completion webhooks) and the side its workers call, as the runpod Python SDK (1.12) does it
// (job-take, job-done, job-stream, job-stop, ping).
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RunpodStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';
const FINAL: ReadonlySet<RunpodStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

/** RunPod's documented limits: /run bodies up to 10 MB; policy times in ms, at most 7 days. */
const MAX_RUN_BODY = 10 * 1024 * 1024;
const MAX_POLICY_MS = 7 * 24 * 3_600_000;

export interface RunBody {
  input: Record<string, unknown>;
  webhook?: string;
  policy?: { executionTimeout?: number; ttl?: number; lowPriority?: boolean };
}

export interface FakeJob {
  id: string;
  body: RunBody;
  status: RunpodStatus;
  output?: unknown;
  error?: unknown;
  submittedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** The worker that took it with job-take. */
  workerId?: string;
}

/** What a worker POSTed to job-done: a progress_update ({status: IN_PROGRESS, output}) or its result. */
export interface WorkerPost {
  jobId: string;
  workerId: string;
  body: Record<string, unknown>;
  /** False when the job was no longer the worker's to move (cancelled, finished, never taken by it). */
  applied: boolean;
  /** When it arrived (Date.now()). */
  at: number;
}

/** The environment a runpod SDK worker needs to serve this fake, as RunPod sets it in a worker's container. */
export interface WorkerEnv {
  RUNPOD_POD_ID: string;
  RUNPOD_AI_API_KEY: string;
  RUNPOD_WEBHOOK_GET_JOB: string;
  RUNPOD_WEBHOOK_POST_OUTPUT: string;
  RUNPOD_WEBHOOK_POST_STREAM: string;
  RUNPOD_WEBHOOK_PING: string;
}

export interface WebhookDelivery {
  url: string;
  body: Record<string, unknown>;
  /** The HTTP status our server answered, or 0 when it could not be reached. */
  answer: number;
}

export interface FakeRunpod {
  /** What to give the client as baseUrl, like https://api.runpod.ai/v2. */
  baseUrl: string;
  /** Every /run request as received. */
  runs: { headers: IncomingHttpHeaders; body: RunBody }[];
  /** The headers of every request, API and file downloads alike. */
  requests: { method: string; path: string; headers: IncomingHttpHeaders }[];
  webhooks: WebhookDelivery[];
  job(id: string): FakeJob;
  /**
   * Moves a job as its worker would. Output is the trainer's last progress_update while IN_PROGRESS and
   * its result once COMPLETED. Reaching a final status sends the completion webhook, as RunPod does.
   */
  update(id: string, change: { status: RunpodStatus; output?: unknown; error?: unknown }): void;
  /**
   * POSTs the job's webhook now with the body /status would give (plus the input, which RunPod echoes).
   * `claim` overrides fields of that body without touching the job: a forged webhook.
   */
  sendWebhook(id: string, claim?: Record<string, unknown>): Promise<WebhookDelivery>;
  /** Answers the next n API requests with this status (500 for an outage, 429 when rate limited). */
  failNext(n: number, status?: number): void;
  /** Never answers the next n API requests. */
  stallNext(n: number): void;
  /** Serves a file the way a storage bucket serves a presigned URL; answers that URL. */
  putFile(name: string, content: Buffer | string): string;

  /**
   * The worker side. Jobs from /run wait IN_QUEUE until a worker takes them; the key workers send
   * (RUNPOD_AI_API_KEY) is not the API key.
   */
  workerKey: string;
  /** The variables a worker with this id needs (its RUNPOD_WEBHOOK_* URLs carry RunPod's placeholders). */
  workerEnv(workerId: string): WorkerEnv;
  /** Every job-take answered: the job ids handed out, [] for a 204; `at` when it was answered. */
  takes: { workerId: string; jobIds: string[]; at: number }[];
  /** Every progress_update received (job-done with status IN_PROGRESS), in order. */
  progress: WorkerPost[];
  /** Every final result received (job-done without status IN_PROGRESS): {output} or {error}. */
  results: WorkerPost[];
  /** Every job-stream post. */
  streams: WorkerPost[];
  /** Every job-stop answer that carried job ids. */
  stopSignals: { workerId: string; jobIds: string[]; at: number }[];
  /** Every heartbeat, with its query parameters (job_id lists the jobs the worker is running). */
  pings: { workerId: string; params: Record<string, string> }[];
  close(): Promise<void>;
}

export interface FakeRunpodOptions {
  apiKey: string;
  endpointId: string;
  /** RunPod retries a failed webhook twice, 10 s apart. */
  webhookRetryMs?: number;
  /** How long job-take and job-stop hold a request open when there is nothing to answer; default 2 s. */
  pollHoldMs?: number;
}

export async function startFakeRunpod(options: FakeRunpodOptions): Promise<FakeRunpod> {
  const jobs = new Map<string, FakeJob>();
  const files = new Map<string, Buffer>();
  const runs: FakeRunpod['runs'] = [];
  const requests: FakeRunpod['requests'] = [];
  const webhooks: WebhookDelivery[] = [];
  const retryMs = options.webhookRetryMs ?? 10_000;
  let failures = 0;
  let failStatus = 500;
  let stalls = 0;

  const workerKey = `rpw_${randomBytes(16).toString('hex')}`;
  const pollHoldMs = options.pollHoldMs ?? 2000;
  const takes: FakeRunpod['takes'] = [];
  const progress: WorkerPost[] = [];
  const results: WorkerPost[] = [];
  const streams: WorkerPost[] = [];
  const stopSignals: FakeRunpod['stopSignals'] = [];
  const pings: FakeRunpod['pings'] = [];
  /** Job ids each worker must stop (cancelled while it ran them), until its job-stop poll hands them over. */
  const toStop = new Map<string, Set<string>>();
  /** Wakes held polls when a job is queued or cancelled, or the fake closes. */
  const changes = new EventEmitter().setMaxListeners(0);
  let closed = false;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);

    const file = /^\/files\/([^/]+)$/.exec(url.pathname);
    if (file && req.method === 'GET') {
      const content = files.get(decodeURIComponent(file[1]!));
      if (!content || !url.searchParams.has('X-Amz-Signature')) return send(res, 403, { error: 'AccessDenied' });
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': content.length });
      return res.end(content);
    }

    const worker = /^\/v2\/([^/]+)\/(job-take|job-take-batch|job-done|job-stream|job-stop|ping)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (worker) return serveWorker(req, res, url, raw, worker);

    if (stalls > 0) {
      stalls--;
      return;
    }
    if (failures > 0) {
      failures--;
      return send(res, failStatus, { error: failStatus === 429 ? 'Too Many Requests' : 'Internal Server Error' });
    }
    // RunPod's docs show both "authorization: <key>" and "Authorization: Bearer <key>".
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${options.apiKey}` && auth !== options.apiKey) {
      return send(res, 401, { error: 'Unauthorized' });
    }

    const route = /^\/v2\/([^/]+)\/(run|status|cancel)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!route || route[1] !== options.endpointId) return send(res, 404, { error: 'Not Found' });
    const [, , operation, rawId] = route;
    const id = rawId === undefined ? undefined : decodeURIComponent(rawId);

    if (operation === 'run' && req.method === 'POST' && id === undefined) {
      const problem = checkRunBody(raw);
      if (typeof problem === 'string') return send(res, 400, { error: problem });
      runs.push({ headers: req.headers, body: problem });
      const job: FakeJob = { id: `${randomUUID()}-u1`, body: problem, status: 'IN_QUEUE', submittedAt: Date.now() };
      jobs.set(job.id, job);
      changes.emit('change');
      return send(res, 200, { id: job.id, status: job.status });
    }
    const job = id === undefined ? undefined : jobs.get(id);
    if (!job) return send(res, 404, { error: 'request does not exist' });
    if (operation === 'status' && req.method === 'GET') return send(res, 200, statusBody(job));
    if (operation === 'cancel' && req.method === 'POST') {
      if (!FINAL.has(job.status)) {
        // A running job's worker hears of it on its job-stop channel.
        if (job.status === 'IN_PROGRESS' && job.workerId !== undefined) {
          toStop.set(job.workerId, (toStop.get(job.workerId) ?? new Set()).add(job.id));
        }
        moveTo(job, { status: 'CANCELLED' });
      }
      return send(res, 200, { id: job.id, status: job.status });
    }
    return send(res, 405, { error: 'Method Not Allowed' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** The worker routes, under the endpoint like the API; authenticated with the worker key as RunPod's are. */
  async function serveWorker(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer, [, endpointId, operation, rawWorkerId, rawJobId]: RegExpExecArray): Promise<void> {
    if (endpointId !== options.endpointId) return send(res, 404, { error: 'Not Found' });
    if (req.headers.authorization !== workerKey) return send(res, 401, { error: 'Unauthorized' });
    const workerId = decodeURIComponent(rawWorkerId!);
    const jobId = rawJobId === undefined ? undefined : decodeURIComponent(rawJobId);
    let gone = false;
    res.on('close', () => (gone = true));

    if ((operation === 'job-take' || operation === 'job-take-batch') && req.method === 'GET' && jobId === undefined) {
      const batch = operation === 'job-take-batch';
      const wanted = batch ? Math.max(1, Number(url.searchParams.get('batch_size')) || 1) : 1;
      // Taken only while the worker still listens, so a job never goes to a poll that was given up.
      const taken = await hold(() => {
        if (gone) return [];
        const queued = [...jobs.values()].filter((job) => job.status === 'IN_QUEUE').slice(0, wanted);
        for (const job of queued) {
          job.workerId = workerId;
          moveTo(job, { status: 'IN_PROGRESS' });
        }
        return queued.length > 0 ? queued : undefined;
      });
      takes.push({ workerId, jobIds: (taken ?? []).map((job) => job.id), at: Date.now() });
      if (!taken || taken.length === 0) return void res.writeHead(204).end();
      const bodies = taken.map((job) => ({ id: job.id, input: job.body.input }));
      return send(res, 200, batch ? bodies : bodies[0]);
    }

    if (operation === 'job-stop' && req.method === 'GET' && jobId === undefined) {
      const ids = await hold(() => {
        const pending = toStop.get(workerId);
        if (gone || !pending || pending.size === 0) return undefined;
        toStop.delete(workerId);
        return [...pending];
      });
      if (!ids) return void res.writeHead(204).end();
      stopSignals.push({ workerId, jobIds: ids, at: Date.now() });
      return send(res, 200, { jobsToStop: ids });
    }

    if (operation === 'ping' && req.method === 'GET' && jobId === undefined) {
      pings.push({ workerId, params: Object.fromEntries(url.searchParams) });
      return send(res, 200, {});
    }

    if ((operation === 'job-done' || operation === 'job-stream') && req.method === 'POST' && jobId !== undefined) {
      // The SDK sends JSON under a form content type.
      let body: unknown;
      try {
        body = JSON.parse(raw.toString());
      } catch {
        return send(res, 400, { error: 'Body is not JSON' });
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return send(res, 400, { error: 'Body is not an object' });
      }
      const post = body as Record<string, unknown>;
      const job = jobs.get(jobId);
      const running = job?.status === 'IN_PROGRESS' && job.workerId === workerId;
      const record: WorkerPost = { jobId, workerId, body: post, applied: running, at: Date.now() };
      if (operation === 'job-stream') {
        streams.push(record);
      } else if (post.status === 'IN_PROGRESS') {
        progress.push(record);
        if (running) job.output = post.output;
      } else {
        results.push(record);
        if (running) {
          moveTo(
            job,
            post.error === undefined || post.error === null ? { status: 'COMPLETED', output: post.output } : { status: 'FAILED', output: post.output, error: post.error },
          );
        }
      }
      // RunPod answers a result for a job that is no longer the worker's without complaint.
      return send(res, 200, {});
    }
    return send(res, 405, { error: 'Method Not Allowed' });
  }

  /** Long-polls: answers check()'s first defined value, or undefined after pollHoldMs. */
  async function hold<T>(check: () => T | undefined): Promise<T | undefined> {
    const deadline = Date.now() + pollHoldMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0 || closed) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          changes.off('change', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        changes.once('change', done);
      });
    }
  }

  function moveTo(job: FakeJob, change: { status: RunpodStatus; output?: unknown; error?: unknown }): void {
    job.status = change.status;
    job.output = change.output;
    job.error = change.error;
    if (change.status !== 'IN_QUEUE') job.startedAt ??= Date.now();
    changes.emit('change');
    if (FINAL.has(change.status)) {
      job.finishedAt = Date.now();
      if (job.body.webhook) void deliver(job.body.webhook, webhookBody(job), 3);
    }
  }

  async function deliver(url: string, body: Record<string, unknown>, attempts: number): Promise<WebhookDelivery> {
    let delivery: WebhookDelivery = { url, body, answer: 0 };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const answer = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      }).then(
        (response) => response.status,
        () => 0,
      );
      delivery = { url, body, answer };
      webhooks.push(delivery);
      if (answer >= 200 && answer < 300) break;
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
    return delivery;
  }

  function webhookBody(job: FakeJob): Record<string, unknown> {
    return { ...statusBody(job), input: job.body.input };
  }

  function find(id: string): FakeJob {
    const job = jobs.get(id);
    if (!job) throw new Error(`No fake RunPod job ${id}`);
    return job;
  }

  return {
    baseUrl: `${origin}/v2`,
    runs,
    requests,
    webhooks,
    job: find,
    update: (id, change) => moveTo(find(id), change),
    async sendWebhook(id, claim = {}) {
      const job = find(id);
      if (!job.body.webhook) throw new Error(`Job ${id} was submitted without a webhook`);
      return deliver(job.body.webhook, { ...webhookBody(job), ...claim }, 1);
    },
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    stallNext(n) {
      stalls = n;
    },
    putFile(name, content) {
      files.set(name, Buffer.from(content));
      return `${origin}/files/${encodeURIComponent(name)}?X-Amz-Expires=3600&X-Amz-Signature=${randomUUID()}`;
    },
    workerKey,
    workerEnv(workerId) {
      // The SDK fills in $ID (job-take: the worker's id; job-done: the job's) and $RUNPOD_POD_ID, and appends
      // its own parameters with "&".
      const endpoint = `${origin}/v2/${encodeURIComponent(options.endpointId)}`;
      const query = '?gpu=CPU';
      return {
        RUNPOD_POD_ID: workerId,
        RUNPOD_AI_API_KEY: workerKey,
        RUNPOD_WEBHOOK_GET_JOB: `${endpoint}/job-take/$ID${query}`,
        RUNPOD_WEBHOOK_POST_OUTPUT: `${endpoint}/job-done/$RUNPOD_POD_ID/$ID${query}`,
        RUNPOD_WEBHOOK_POST_STREAM: `${endpoint}/job-stream/$RUNPOD_POD_ID/$ID${query}`,
        RUNPOD_WEBHOOK_PING: `${endpoint}/ping/$RUNPOD_POD_ID${query}`,
      };
    },
    takes,
    progress,
    results,
    streams,
    stopSignals,
    pings,
    async close() {
      closed = true;
      changes.emit('change');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The /status answer: delayTime once a worker took the job, executionTime while and after it runs. */
function statusBody(job: FakeJob): Record<string, unknown> {
  const now = Date.now();
  return {
    id: job.id,
    status: job.status,
    ...(job.startedAt === undefined ? {} : { delayTime: job.startedAt - job.submittedAt, executionTime: (job.finishedAt ?? now) - job.startedAt }),
    ...(job.output === undefined ? {} : { output: job.output }),
    ...(job.error === undefined ? {} : { error: job.error }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/** The body, or what is wrong with it, by RunPod's documented rules. */
function checkRunBody(raw: Buffer): RunBody | string {
  if (raw.length > MAX_RUN_BODY) return 'Payload too large: /run accepts up to 10 MB';
  let body: unknown;
  try {
    body = JSON.parse(raw.toString());
  } catch {
    return 'Body is not JSON';
  }
  if (typeof body !== 'object' || body === null) return 'Body is not an object';
  const { input, webhook, policy } = body as Record<string, unknown>;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'input is required';
  if (webhook !== undefined && typeof webhook !== 'string') return 'webhook must be a URL';
  if (policy !== undefined) {
    const { executionTimeout, ttl } = policy as Record<string, unknown>;
    if (executionTimeout !== undefined && !inRange(executionTimeout, 5001, MAX_POLICY_MS)) {
      return 'policy.executionTimeout must be more than 5000 ms and at most 7 days';
    }
    if (ttl !== undefined && !inRange(ttl, 10_000, MAX_POLICY_MS)) {
      return 'policy.ttl must be at least 10000 ms and at most 7 days';
    }
  }
  return body as RunBody;
}

function inRange(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && value >= min && value <= max;
}
