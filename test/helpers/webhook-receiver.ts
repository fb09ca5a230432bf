// A real local HTTP receiver for outgoing webhooks: records every request per
// path, and answers each as the test says (status, delay, or never). Plain
// node, no vitest: the outgoing-webhooks bench uses it too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** How to answer the nth request (0-based) to a path: a status, after delayMs; `hang` never answers. */
export type Answer = { status: number; delayMs?: number; body?: string } | 'hang';

export interface WebhookReceiver {
  url: string;
  /** Every request, oldest first; for one path when given. */
  received(path?: string): ReceivedWebhook[];
  /** How requests to `path` are answered from now on (default: 200). */
  answer(path: string, plan: (n: number) => Answer): void;
  /** Waits until `path` has had at least `count` requests. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  const plans = new Map<string, (n: number) => Answer>();
  const counts = new Map<string, number>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = counts.get(path) ?? 0;
      counts.set(path, n + 1);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      requests.push({ path, headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const answer = plans.get(path)?.(n) ?? { status: 200 };
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      setTimeout(() => res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? `answered ${answer.status}`), answer.delayMs ?? 0);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const received = (path?: string) => requests.filter((r) => path === undefined || r.path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (path, plan) => plans.set(path, plan),
    async waitFor(path, count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = received(path);
        if (seen.length >= count) return seen;
        if (Date.now() > deadline) throw new Error(`${path} had ${seen.length} of ${count} requests after ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
