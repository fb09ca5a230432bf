// What a page on another origin can get from an embedded server (no identity
// provider), where GET /auth/local hands out the local user's token:
// - CORS answers only PUBLIC_URL's origin and CORS_ORIGINS, never with
//   credentials, so another origin's page cannot read /graphql's answers;
// - no HTML page (GraphiQL) carries a credential;
// - a request naming another host (a DNS-rebound name) reaches neither
//   /auth/local, nor GraphiQL, nor the WebSocket;
// - a graphql-ws socket without a valid credential is closed, whatever its
//   connection_init says (`allowAnonymous` was once accepted).
import http from 'node:http';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, wsOnce, type TestApp } from '../../helpers/app.js';

const EVIL = 'https://evil.example';
const FRIEND = 'https://app.example.com';
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/;

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await startTestApp({ CORS_ORIGINS: `${FRIEND},http://localhost:5173` });
  port = Number(new URL(t.url).port);
});
afterAll(() => t?.stop());

/** A GET with a Host header of our choosing (fetch does not allow setting one). */
function getWithHost(path: string, host: string, accept: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { host, accept } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('CORS on /graphql', () => {
  const post = (origin: string) =>
    fetch(`${t.url}/graphql`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });

  it('gives another origin no CORS headers, on a query, a preflight or a GraphiQL page', async () => {
    const answers = [
      await post(EVIL),
      await fetch(`${t.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      }),
      await fetch(`${t.url}/graphql`, { headers: { origin: EVIL, accept: 'text/html' } }),
    ];
    for (const res of answers) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it("answers PUBLIC_URL's origin and those of CORS_ORIGINS, without credentials", async () => {
    for (const origin of [new URL(t.url).origin, FRIEND, 'http://localhost:5173']) {
      const res = await post(origin);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      const preflight = await fetch(`${t.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    }
  });
});

describe('GraphiQL in embedded mode', () => {
  it('carries no credential in its page, and signs in from same-origin /auth/local at load', async () => {
    const res = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('BrightRun GraphQL');
    expect(JWT.test(html)).toBe(false);
    expect(html).not.toMatch(/Bearer ey/);
    expect(html).toContain("fetch('/auth/local'");
  });
});

describe('the Host header in embedded mode', () => {
  it("answers the server's own names", async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const signIn = await getWithHost('/auth/local', host, 'application/json');
      expect(signIn.status).toBe(200);
      expect(JSON.parse(signIn.body).token).toMatch(JWT);
      expect((await getWithHost('/graphql', host, 'text/html')).status).toBe(200);
    }
  });

  it('refuses another name (DNS rebinding) on /auth/local, GraphiQL and the web client', async () => {
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`, `localhost:${port + 1}`]) {
      for (const [path, accept] of [
        ['/auth/local', 'application/json'],
        ['/graphql', 'text/html'],
        ['/', 'text/html'],
      ] as const) {
        const res = await getWithHost(path, host, accept);
        expect(res.status, `${host} ${path}`).toBe(403);
        expect(JWT.test(res.body)).toBe(false);
      }
    }
  });

  it('refuses a WebSocket upgrade naming another host', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { headers: { host: `evil.example:${port}` } });
      socket.on('open', () => {
        socket.close();
        resolve('open');
      });
      socket.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
      socket.on('error', (err) => resolve(`error ${err.message}`));
    });
    expect(outcome).not.toBe('open');
  });
});

describe('graphql-ws without a credential', () => {
  it('closes a socket whose connection_init asks for anonymous access', async () => {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { allowAnonymous: true },
      retryAttempts: 0,
      lazy: true,
    });
    try {
      const result = await wsOnce(client, '{ __typename }');
      expect(result.data).toBeUndefined();
      expect(result.closeCode).toBe(4403);
    } finally {
      await client.dispose();
    }
  });
});
