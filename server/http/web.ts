// Serves the built web client (web/dist): files with their content type, long-lived caching for hashed
// assets, index.html for client routes, nothing outside distDir, and false for the API's own paths. Every
// answer carries a Content-Security-Policy (scripts from this origin only, never framed) and its companions.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const API_PATHS = ['/graphql', '/healthz', '/auth', '/storage', '/webhooks'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Vite names bundle files <name>-<hash>.<ext> under assets/: their content never changes. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

function isApiPath(pathname: string): boolean {
  return API_PATHS.some((api) => pathname === api || pathname.startsWith(`${api}/`));
}

async function fileAt(file: string) {
  try {
    const info = await stat(file);
    return info.isFile() ? info : null;
  } catch {
    return null;
  }
}

/**
 * The client's scripts, styles and fonts come from this origin; it talks to this origin (GraphQL over HTTP and
 * WebSocket) and to `connectTo` (a storage bucket's origin, for signed uploads); no page may frame it.
 * Styles allow 'unsafe-inline' for the style attributes charts set.
 */
export function securityHeaders(connectTo: readonly string[] = []): Record<string, string> {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectTo].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

export function createWebHandler(distDir: string, options: { connectTo?: readonly string[] } = {}): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const root = path.resolve(distDir);
  const indexFile = path.join(root, 'index.html');
  const security = securityHeaders(options.connectTo);

  async function send(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string): Promise<boolean> {
    const info = await fileAt(file);
    if (!info) return false;
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const headers = {
      'content-type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': cacheControl,
      etag,
      'last-modified': info.mtime.toUTCString(),
      ...security,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': info.size });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream(file);
      stream.on('error', () => {
        res.destroy();
        resolve();
      });
      stream.on('end', resolve);
      stream.pipe(res);
    });
    return true;
  }

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return false;
    }
    if (isApiPath(pathname) || pathname.includes('\0')) return false;

    const file = path.resolve(root, `.${path.posix.normalize(pathname)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return false;

    if (file !== root && file !== indexFile) {
      const cache = HASHED_ASSET.test(pathname) ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate';
      if (await send(req, res, file, cache)) return true;
      // A missing file (an old asset, a typo) is a 404, not the app: only extension-less paths are client routes.
      if (path.extname(pathname)) return false;
    }
    return send(req, res, indexFile, 'no-cache');
  };
}
