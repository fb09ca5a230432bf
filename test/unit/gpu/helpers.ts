// Test helpers: a callback receiver on a free port, a small submit request, and polling.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderEvent, SubmitRequest } from '../../../server/gpu/provider.js';

export interface ReceivedCallback {
  url: string;
  headers: IncomingHttpHeaders;
  event: ProviderEvent;
}

export interface CallbackReceiver {
  url: string;
  received: ReceivedCallback[];
  /** Answers this status to the next n callbacks (to test retries). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  let failures = 0;
  let failStatus = 500;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (failures > 0) {
      failures--;
      res.writeHead(failStatus).end();
      return;
    }
    received.push({ url: req.url ?? '', headers: req.headers, event: JSON.parse(Buffer.concat(chunks).toString()) });
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let nextJob = 0;

/** 2 epochs of 100 steps unless overridden: 400 examples, batch 4, one GPU. */
export function submitRequest(receiverUrl: string, overrides: Partial<SubmitRequest> = {}): SubmitRequest {
  const jobId = `test-job-${++nextJob}`;
  return {
    jobId,
    callbackUrl: `${receiverUrl}/webhooks/gpu/simulated`,
    callbackToken: `token-${jobId}-secret`,
    datasetTokens: 400 * 250,
    datasetExamples: 400,
    hyperparameters: {
      epochs: 2,
      learningRate: 2e-4,
      batchSize: 4,
      loraRank: 8,
      loraAlpha: 16,
      loraDropout: 0.05,
      maxSeqLength: 1024,
      warmupRatio: 0.1,
      gradientAccumulation: 1,
      quantization: 'NONE',
    },
    baseModel: { id: 'test/tiny-llama', parametersB: 0.1, hiddenSize: 64, numLayers: 4 },
    gpu: { type: 'A100-80GB', count: 1 },
    datasetUrl: `${receiverUrl}/storage/datasets/${jobId}.jsonl?signature=test`,
    datasetFormat: 'CHAT_JSONL',
    artifactsUrl: `${receiverUrl}/webhooks/gpu/simulated/uploads`,
    ...overrides,
  };
}

/** Polls until check returns a value other than undefined or false. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
