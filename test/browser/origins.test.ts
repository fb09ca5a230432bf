// An embedded server (`npm start`'s defaults) in a real browser: GraphiQL opens signed in as the local
// user although its page carries no token, and a page on another origin can read neither the token
// (GraphiQL's page, /auth/local) nor the API's answers.
import http from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;
let elsewhere: http.Server;
let elsewhereUrl = '';

beforeAll(async () => {
  stack = await startStack();
  page = await stack.browser.newPage();
  const port = await freePort();
  elsewhere = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title><p>another site</p>'));
  await new Promise<void>((resolve) => elsewhere.listen(port, '127.0.0.1', resolve));
  elsewhereUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await stack?.stop();
  if (elsewhere) await new Promise((resolve) => elsewhere.close(resolve));
});

describe('an embedded server in a browser', () => {
  it('opens GraphiQL signed in as the local user, from /auth/local', async () => {
    const signedIn = page.waitForRequest((req) => req.url().endsWith('/graphql') && req.method() === 'POST' && /^Bearer ey/.test(req.headers().authorization ?? ''), {
      timeout: 30_000,
    });
    const signIn = page.waitForResponse((res) => res.url().endsWith('/auth/local'));
    const answer = await page.goto(`${stack.url}/graphql`);
    expect(await answer!.text()).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
    expect((await signIn).status()).toBe(200);
    await signedIn;
  });

  it('lets a page on another origin read neither the token nor the API', async () => {
    await page.goto(elsewhereUrl);
    const outcomes = await page.evaluate(async (api) => {
      const attempt = async (url: string, init: RequestInit) => {
        try {
          const res = await fetch(url, init);
          return `read ${res.status}: ${(await res.text()).slice(0, 80)}`;
        } catch {
          return 'blocked';
        }
      };
      return {
        graphiql: await attempt(`${api}/graphql`, { headers: { accept: 'text/html' } }),
        graphiqlWithCredentials: await attempt(`${api}/graphql`, { headers: { accept: 'text/html' }, credentials: 'include' }),
        signIn: await attempt(`${api}/auth/local`, {}),
        query: await attempt(`${api}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) }),
      };
    }, stack.url);
    expect(outcomes).toEqual({ graphiql: 'blocked', graphiqlWithCredentials: 'blocked', signIn: 'blocked', query: 'blocked' });
  });
});
