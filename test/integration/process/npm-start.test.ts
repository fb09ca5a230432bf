// `npm start` exactly as a person runs it in a terminal (its own process group, npm's prestart build, embedded
// PostgreSQL): the server is compiled JavaScript run by node itself, so beside npm and PostgreSQL there is one
// process, the server, with no shell, tsx or esbuild in between; and Ctrl-C (SIGINT to the whole group) stops
// npm, the server and PostgreSQL, leaving nothing behind.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../server/db/embedded-postgres.js';
import { descendantsOf, isAlive, until } from '../../helpers/processes.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const commandOf = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
const isPostgres = (command: string) => /\/postgres( |$)|^postgres:/.test(command);

/** This process's environment without what would point the server elsewhere (a test database, a simulator). */
function environment(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, SIMULATED_GPU_URL: _simulator, NODE_ENV: _env, ...rest } = process.env;
  return rest;
}

describe('npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-npm-start-'));
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the compiled server as the only process beside npm and PostgreSQL, and Ctrl-C stops them all', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...environment(), PORT: String(port), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    npm.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    const healthy = () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    await until('npm start to serve /healthz', healthy, 120_000, 250).catch((err: Error) => {
      throw new Error(`${err.message}; its stderr: ${stderr}`);
    });

    const family = descendantsOf(npm.pid!);
    started.push(npm.pid!, ...family);
    const commands = family.map(commandOf);
    expect(commands.filter((command) => !isPostgres(command))).toEqual([expect.stringMatching(/^node dist\/server\/app\/main\.js$/)]);
    expect(commands.filter(isPostgres).length).toBeGreaterThan(0);

    // Ctrl-C: the terminal signals the whole foreground process group.
    process.kill(-npm.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    await until('every process of npm start to end', async () => family.every((pid) => !isAlive(pid)), 15_000);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});
