// Production refuses to start on embedded defaults, saying why in JSON; and a deployment whose processes run
// under a database role without DDL rights works: the owner runs `npm run db:migrate`, the servers start with
// MIGRATE_AT_START=false and serve.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { chatExample, jsonl, uploadDataset } from '../../helpers/datasets.js';
import { openDatabase, rawId, useProcesses } from '../../helpers/processes.js';

const procs = useProcesses();
const admin = new pg.Pool({ connectionString: procs.databaseUrl, max: 1 });
afterAll(() => admin.end());

describe('production start', () => {
  it('refuses to start without DATABASE_URL, a bucket and a GPU provider, listing each in one JSON line', async () => {
    const { status, lines } = await procs.runToExit(['server/app/main.ts'], {
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://lora.example',
      SERVER_SECRET: randomBytes(32).toString('hex'),
      AUTH_JWKS_URL: 'https://id.example/jwks',
      AUTH_ISSUER: 'https://id.example/',
      AUTH_AUDIENCE: 'brightrun',
      DATA_DIR: procs.dataDir,
    });
    expect(status.code).toBe(1);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!.replace(/^\[stderr\] /, ''));
    expect(line).toMatchObject({ level: 'error', msg: 'could not start' });
    expect(line.reason).toMatch(/DATABASE_URL: required in production[\s\S]*STORAGE_DRIVER[\s\S]*GPU_PROVIDER/);
  });
});

describe('a runtime role with DML rights only', () => {
  it('serves after the owner ran npm run db:migrate, with MIGRATE_AT_START=false', async () => {
    // A database of its own, owned by the test superuser.
    const name = `roles_${randomBytes(4).toString('hex')}`;
    const role = `${name}_runtime`;
    await admin.query(`CREATE DATABASE ${name}`);
    const ownerUrl = new URL(procs.databaseUrl);
    ownerUrl.pathname = `/${name}`;

    const migrated = await procs.runToExit(['scripts/migrate.ts'], { DATABASE_URL: ownerUrl.href, QUEUE_SCHEMA: procs.queueSchema }, 120_000);
    expect(migrated.status.code, migrated.lines.join('\n')).toBe(0);
    expect(migrated.lines.join('\n')).toMatch(/Applied \d+ migration\(s\); queues ready/);

    const owner = new pg.Client({ connectionString: ownerUrl.href });
    await owner.connect();
    try {
      await owner.query(`CREATE ROLE ${role} LOGIN PASSWORD 'runtime'`);
      for (const schema of ['public', procs.queueSchema]) {
        await owner.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
        await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
        await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
        await owner.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${role}`);
      }
    } finally {
      await owner.end();
    }
    const runtimeUrl = new URL(ownerUrl.href);
    runtimeUrl.username = role;
    runtimeUrl.password = 'runtime';

    // The role really has no DDL rights.
    const runtime = openDatabase(runtimeUrl.href);
    await expect(runtime.pool.query('CREATE TABLE nope (id int)')).rejects.toThrow(/permission denied/);

    // Left to migrate at start, it says what to do instead of dying with a stack (a new database needs DDL).
    const fresh = `${name}_fresh`;
    await admin.query(`CREATE DATABASE ${fresh}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${fresh} TO ${role}`);
    const freshUrl = new URL(runtimeUrl.href);
    freshUrl.pathname = `/${fresh}`;
    const refused = await procs.runToExit(['server/app/main.ts'], {
      DATABASE_URL: freshUrl.href,
      QUEUE_SCHEMA: procs.queueSchema,
      DATA_DIR: procs.dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
    });
    expect(refused.status.code).toBe(1);
    expect(refused.lines.join('\n')).toMatch(/may not change the schema[\s\S]*npm run db:migrate[\s\S]*MIGRATE_AT_START=false/);
    expect(refused.lines.join('\n')).not.toMatch(/\n\s+at /);

    const gpu = await procs.startSimulator();
    const server = await procs.startServer({ DATABASE_URL: runtimeUrl.href, MIGRATE_AT_START: 'false', SIMULATED_GPU_URL: gpu.url });
    const alice = await procs.createUser(server);
    const datasetId = await uploadDataset(server.asTestApp(), alice.token, jsonl(Array.from({ length: 12 }, (_, i) => chatExample(i))));
    const status = await vi.waitFor(
      async () => {
        const now = (await runtime.db.dataset.findUniqueOrThrow({ where: { id: rawId(datasetId) } })).status;
        if (now === 'VALIDATING') throw new Error('the dataset is still VALIDATING');
        return now;
      },
      { timeout: 30_000, interval: 200 },
    );
    await runtime.close();
    expect(status).toBe('READY');
    expect(server.lines().filter((l) => /permission denied/.test(l))).toEqual([]);
    await server.kill('SIGTERM');
  }, 180_000);
});
