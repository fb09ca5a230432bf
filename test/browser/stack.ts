// Everything a browser test needs: the web client built, the real server (`tsx server/app/main.ts`) on a temp
// DATA_DIR and free ports, and headless Debian Chromium. stop() ends them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { signLocalUserToken } from '../../server/auth/tokens.js';
import { createWebHandler } from '../../server/http/web.js';
import { graphqlClient, type GraphqlClient } from '../helpers/graphql-client.js';
import { expectNoA11yViolations } from './a11y.js';
import type { SimulatedFaults } from '../../server/gpu/provider.js';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
const distDir = path.join(repo, 'web/dist');
/**
 * Where screenshots go: docs/screenshots with UPDATE_SCREENSHOTS=1 (`npm run screenshots`), otherwise a folder in
 * the system's temp folder, so a test run leaves the work tree as it found it.
 */
export const screenshotDir = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(repo, 'docs/screenshots') : path.join(os.tmpdir(), 'brightrun-screenshots');

export interface Stack {
  /** Where the browser opens the app. */
  url: string;
  /** The simulated GPU provider, for its faults (POST /v1/admin/faults). */
  gpuUrl: string;
  browser: Browser;
  /** The server's output so far, for failure messages. */
  log(): string;
  /** A token for the user the browser signs in as (email omitted), or for another local user. */
  token(email?: string): Promise<string>;
  /** Runs a GraphQL operation over HTTP as a tool would and returns its data; throws when it has errors or no data. */
  gql: GraphqlClient['gqlData'];
  stop(): Promise<void>;
}

/** A full-page screenshot into screenshotDir, taken from the top so the sticky navigation stays where it belongs, and axe-core over the same page state. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true, animations: 'disabled' });
  await expectNoA11yViolations(page, name);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function buildWeb(): Promise<void> {
  await build({ configFile: path.join(repo, 'web/vite.config.ts'), logLevel: 'warn', build: { sourcemap: false } });
}

async function waitForHealth(url: string, server: ChildProcess, output: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server exited (${server.exitCode}):\n${output()}`);
    const ok = await fetch(`${url}/healthz`)
      .then((res) => res.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The server did not become healthy in ${timeoutMs / 1000} s:\n${output()}`);
}

/**
 * Until server/app/app.ts serves web/dist itself, a small front server does: the built files through
 * createWebHandler, everything else (HTTP and the WebSocket) passed to the API.
 */
function startFront(port: number, apiPort: number): Promise<http.Server> {
  const serveWeb = createWebHandler(distDir);
  const front = http.createServer(async (req, res) => {
    if (await serveWeb(req, res)) return;
    const upstream = http.request({ host: '127.0.0.1', port: apiPort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  front.on('upgrade', (req, socket, head) => {
    const upstream = net.connect(apiPort, '127.0.0.1', () => {
      const headers: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => front.listen(port, '127.0.0.1', () => resolve(front)));
}

function serverServesWeb(): boolean {
  return fs.readFileSync(path.join(repo, 'server/app/app.ts'), 'utf8').includes('createWebHandler');
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  await buildWeb();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-browser-'));
  const [port, pgPort, gpuPort, frontPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const direct = serverServesWeb();
  const url = `http://localhost:${direct ? port : frontPort}`;

  // Known here, so a test can sign tokens for users other than the local one.
  const secret = env.SERVER_SECRET ?? randomBytes(32).toString('hex');
  let output = '';
  const server = spawn(path.join(repo, 'node_modules/.bin/tsx'), ['server/app/main.ts'], {
    cwd: repo,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: url,
      EMBEDDED_PG_PORT: String(pgPort),
      SIMULATED_GPU_PORT: String(gpuPort),
      SIMULATED_GPU_SPEED: '200',
      LOG_LEVEL: 'warn',
      SERVER_SECRET: secret,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));

  let front: http.Server | null = null;
  let browser: Browser | null = null;
  const stop = async () => {
    await browser?.close().catch(() => {});
    if (front) await new Promise((resolve) => front!.close(resolve));
    if (server.exitCode === null) {
      server.kill('SIGINT');
      const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(`http://127.0.0.1:${port}`, server, () => output);
    if (!direct) front = await startFront(frontPort, port);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const token = async (email?: string) => {
    if (email) return signLocalUserToken(secret, { sub: `local:${email}`, email });
    return ((await (await fetch(`${url}/auth/local`)).json()) as { token: string }).token;
  };
  return { url, gpuUrl: `http://127.0.0.1:${gpuPort}`, browser, log: () => output, token, gql: graphqlClient(url).gqlData, stop };
}

/** The simulated provider's faults for every job from now on ({} clears them). */
export async function setGpuFaults(stack: Stack, faults: SimulatedFaults): Promise<void> {
  const res = await fetch(`${stack.gpuUrl}/v1/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`setting faults: ${res.status}`);
}
