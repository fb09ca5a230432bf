// No secret reaches the web client. What the real server serves (every file
// of web/dist, and index.html for client routes) holds none of its secrets:
// the server secret (generated under DATA_DIR here), the key derived from it,
// the database URL, the secret of `npm start` under .data/, names of secret
// settings, tokens or API keys. And a build made with secret values in the
// environment holds none of them: a `define` or env prefix that pulls server
// settings into the bundle fails here.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deriveKey } from '../../../server/keys.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const SETTING_NAMES = ['SERVER_SECRET', 'RUNPOD_API_KEY', 'DATABASE_URL', 'GCS_KEY_FILE', 'BEGIN PRIVATE KEY', 'postgres://', 'postgresql://'];
const PATTERNS = { 'a JWT': /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/, 'an API key': /brk_[\w-]{40,}/ };

/** Every file under dir, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** The names of the secrets, settings and patterns found in text: names only, so a failure never prints a secret. */
function leaks(text: string, secrets: Record<string, string>): string[] {
  return [
    ...Object.entries(secrets)
      .filter(([, value]) => text.includes(value))
      .map(([name]) => name),
    ...SETTING_NAMES.filter((name) => text.includes(name)),
    ...Object.entries(PATTERNS)
      .filter(([, pattern]) => pattern.test(text))
      .map(([name]) => name),
  ];
}

describe('what the server serves', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No SERVER_SECRET: the server generates one under its DATA_DIR, as `npm start` does.
    t = await startTestApp({ SERVER_SECRET: '' });
  });
  afterAll(() => t?.stop());

  it('holds none of its secrets', async () => {
    const secretFile = fs.readFileSync(path.join(t.config.dataDir, 'server-secret'), 'utf8').trim();
    expect(secretFile).toBe(t.app.services.secret);
    const secrets: Record<string, string> = {
      'the server secret (DATA_DIR/server-secret)': secretFile,
      'the storage URL key': deriveKey(secretFile, 'storage-urls'),
      'the database URL': inject('databaseUrl'),
    };
    const startSecret = path.join(repo, '.data/server-secret');
    if (fs.existsSync(startSecret)) secrets['the secret of npm start (.data/server-secret)'] = fs.readFileSync(startSecret, 'utf8').trim();

    const files = filesUnder(path.join(repo, 'web/dist'));
    expect(files).toContain('index.html');
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    const found: string[] = [];
    for (const pathname of ['/', '/training/jobs', ...files.map((f) => `/${f}`)]) {
      const res = await fetch(`${t.url}${pathname}`);
      expect({ pathname, status: res.status }).toEqual({ pathname, status: 200 });
      found.push(...leaks(await res.text(), secrets).map((leak) => `${pathname}: ${leak}`));
    }
    expect(found).toEqual([]);
  });
});

describe('a build with secrets in the environment', () => {
  const secrets: Record<string, string> = {
    SERVER_SECRET: randomBytes(32).toString('hex'),
    RUNPOD_API_KEY: `rpa_${randomBytes(16).toString('hex')}`,
    DATABASE_URL: `postgres://brightrun:${randomBytes(12).toString('hex')}@db.internal:5432/brightrun`,
    GCS_KEY_FILE: `/secrets/${randomBytes(8).toString('hex')}.json`,
  };
  let outDir: string;
  const saved = Object.fromEntries(Object.keys(secrets).map((name) => [name, process.env[name]]));

  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-web-build-'));
    Object.assign(process.env, secrets);
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('holds none of them', async () => {
    await build({ configFile: path.join(repo, 'web/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const files = filesUnder(outDir);
    expect(files).toContain('index.html');
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    const found = files.flatMap((file) => leaks(fs.readFileSync(path.join(outDir, file), 'utf8'), secrets).map((leak) => `${file}: ${leak}`));
    expect(found).toEqual([]);
  }, 120_000);
});
