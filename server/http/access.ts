// What every HTTP request gets: an id (the caller's X-Request-Id when it looks
// like one, else a new UUID), echoed in the response and bound to every log
// line logged while serving it; one access log line; and its latency in the
// histogram by route kind.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import { withLogContext } from '../log.js';
import type { RouteKind } from '../observability/metrics.js';
import type { Services } from '../services/services.js';

const SANE_ID = /^[\w.:-]{1,128}$/;
const ids = new WeakMap<IncomingMessage, string>();

/** The id of this HTTP request, or of the WebSocket connection it upgraded to. */
export function requestId(req: IncomingMessage): string {
  let id = ids.get(req);
  if (!id) {
    const given = req.headers['x-request-id'];
    id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    ids.set(req, id);
  }
  return id;
}

export function routeKind(path: string): RouteKind {
  if (path === '/healthz') return 'health';
  if (path === '/metrics') return 'metrics';
  if (path === '/graphql' || path.startsWith('/graphql/')) return 'graphql';
  if (path.startsWith('/webhooks/')) return 'webhook';
  if (path.startsWith('/storage/')) return 'storage';
  if (path.startsWith('/auth/')) return 'auth';
  return 'web';
}

/** Wraps the server's handler with the request id, access log and latency histogram. */
export function observeRequests(
  services: Services,
  serve: (req: IncomingMessage, res: ServerResponse, path: string, route: RouteKind) => Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const id = requestId(req);
    // The path only: query strings carry signatures (storage URLs) and whole GraphQL documents.
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routeKind(path);
    res.setHeader('x-request-id', id);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      services.observability.httpRequestDuration.observe({ route, status: String(res.statusCode) }, seconds);
      // Probes come every few seconds: their lines only at debug.
      const level = route === 'health' || route === 'metrics' ? 'debug' : 'info';
      services.log[level]('request', {
        requestId: id,
        method: req.method,
        path,
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
    return withLogContext({ requestId: id }, () => serve(req, res, path, route));
  };
}

/**
 * Embedded mode (no identity provider): GET /auth/local gives any page of this server the local
 * user's token. A page on another domain whose name was re-pointed at this machine (DNS rebinding)
 * would count as same-origin too, but its requests name that domain in Host. So only the server's
 * own names pass: localhost, 127.0.0.1 and [::1] on the port it listens on, the address it binds
 * (HOST, unless a wildcard) and PUBLIC_URL's host.
 */
export function embeddedHostCheck(config: Pick<Config, 'host'>, publicUrl: string, port: number): (req: IncomingMessage) => boolean {
  const names = ['localhost', '127.0.0.1', '[::1]'];
  if (config.host !== '0.0.0.0' && config.host !== '::') names.push(config.host.includes(':') ? `[${config.host}]` : config.host);
  const own = new Set(names.flatMap((name) => [`${name}:${port}`, ...(port === 80 ? [name] : [])]).map((h) => h.toLowerCase()));
  own.add(new URL(publicUrl).host.toLowerCase());
  return (req) => typeof req.headers.host === 'string' && own.has(req.headers.host.toLowerCase());
}
