// GET /metrics: this process's Prometheus metrics in the text format. Off in
// production unless METRICS_TOKEN is set; behind that bearer token when it is.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services/services.js';
import { sendError } from './respond.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

export async function handleMetrics(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { enabled, token } = services.config.metrics;
  if (!enabled) return sendError(res, 404, 'NOT_FOUND', 'Nothing at /metrics');
  if (token) {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    // Compared as digests, so the time taken says nothing about the token.
    if (!timingSafeEqual(digest(given), digest(token))) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendError(res, 401, 'UNAUTHENTICATED', 'Send "Authorization: Bearer <METRICS_TOKEN>".');
    }
  }
  const { registry } = services.observability;
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
