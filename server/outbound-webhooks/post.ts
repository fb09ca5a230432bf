// One HTTP POST of a signed delivery: a timeout for the whole exchange, the
// first characters of the answer kept, private addresses refused on connect.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Config } from '../config.js';
import { guardedLookup, isPrivateAddress } from './url-policy.js';

export const RESPONSE_EXCERPT_BYTES = 1024;

export interface PostResult {
  ok: boolean;
  status: number | null;
  body: string | null;
  error: string | null;
  durationMs: number;
}

export async function postWebhook(config: Config['outboundWebhooks'], url: string, headers: Record<string, string>, body: string): Promise<PostResult> {
  const started = Date.now();
  const done = (r: Omit<PostResult, 'durationMs' | 'ok'>): PostResult => ({ ...r, ok: r.status !== null && r.status >= 200 && r.status < 300, durationMs: Date.now() - started });
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // An IP literal skips the DNS lookup, so it is checked here.
  if (!config.allowPrivateUrls && net.isIP(host) && isPrivateAddress(host)) return done({ status: null, body: null, error: `${host} is a private address` });
  return new Promise((resolve) => {
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'BrightRun-Webhooks/1', 'content-length': Buffer.byteLength(body), ...headers },
        lookup: guardedLookup(config),
        timeout: config.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => {
          clearTimeout(timer);
          const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
          resolve(done({ status: response.statusCode ?? null, body: excerpt, error: null }));
        });
        response.on('error', (err) => finish(err.message));
      },
    );
    // The socket's idle timeout does not bound a slow trickle: this bounds the whole exchange.
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${config.timeoutMs} ms`)), config.timeoutMs);
    const finish = (error: string) => {
      clearTimeout(timer);
      resolve(done({ status: null, body: null, error }));
    };
    request.on('timeout', () => request.destroy(new Error(`no answer within ${config.timeoutMs} ms`)));
    request.on('error', (err) => finish(err.message));
    request.end(body);
  });
}
