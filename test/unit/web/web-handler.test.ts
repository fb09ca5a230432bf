// server/http/web.ts: serves the built client with the right types and caching, falls back to index.html
// for client routes, leaves the API's paths alone and never serves a file outside distDir.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebHandler } from '../../../server/http/web.js';

let base = '';
let server: http.Server;
let root = '';

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'web-handler-'));
  const dist = path.join(root, 'dist');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>app</title>');
  fs.writeFileSync(path.join(dist, 'assets/index-Bx7_aQ9z.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg/>');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside');
  const serve = createWebHandler(dist, { connectTo: ['https://storage.googleapis.com'] });
  server = http.createServer(async (req, res) => {
    if (await serve(req, res)) return;
    res.writeHead(404, { 'x-fell-through': 'yes' }).end('not mine');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(root, { recursive: true, force: true });
});

/** Raw request, so paths reach the server exactly as written (fetch would normalise ".."). */
function get(pathname: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { method, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.path = pathname;
    req.on('error', reject);
    req.end();
  });
}

describe('createWebHandler', () => {
  it('serves index.html at / without long caching', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<title>app</title>');
  });

  it('sends a Content-Security-Policy and its companions with every file: own scripts only, never framed', async () => {
    for (const pathname of ['/', '/datasets/x', '/assets/index-Bx7_aQ9z.js']) {
      const res = await get(pathname);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("connect-src 'self' https://storage.googleapis.com");
      expect(res.headers).toMatchObject({ 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' });
    }
  });

  it('answers client routes with index.html', async () => {
    for (const route of ['/datasets', '/datasets/RGF0YXNldDox', '/training/jobs/abc?tab=1']) {
      const res = await get(route);
      expect(res.status, route).toBe(200);
      expect(res.body, route).toContain('<title>app</title>');
    }
  });

  it('serves hashed assets with their type, cached for a year', async () => {
    const res = await get('/assets/index-Bx7_aQ9z.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe('console.log(1)');
  });

  it('serves other files with revalidation, and 304 when unchanged', async () => {
    const res = await get('/favicon.svg');
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    const again = await get('/favicon.svg', { 'if-none-match': res.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers HEAD without a body', async () => {
    const res = await get('/', {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.body).toBe('');
  });

  it('leaves missing files, the API paths and other methods to the server', async () => {
    for (const pathname of [
      '/assets/gone-Zz9_aQ9z.js',
      '/robots.txt',
      '/graphql',
      '/graphql?query=x',
      '/healthz',
      '/auth/local',
      '/storage/lora-datasets/a/b',
      '/webhooks/gpu/simulated',
    ]) {
      const res = await get(pathname);
      expect(res.headers['x-fell-through'], pathname).toBe('yes');
    }
    expect((await get('/', {}, 'POST')).headers['x-fell-through']).toBe('yes');
  });

  it('never serves a file outside distDir', async () => {
    for (const pathname of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00secret.txt']) {
      const res = await get(pathname);
      expect(res.body, pathname).not.toContain('outside');
    }
  });
});
