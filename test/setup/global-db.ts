// Starts one real PostgreSQL for the whole test run (embedded, in a temporary
// folder) and migrates it. TEST_DATABASE_URL runs the suite against another
// PostgreSQL instead. Tests never wipe it: each makes its own users and data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startEmbeddedPostgres } from '../../server/db/embedded-postgres.js';
import { migrate } from '../../server/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    await migrate(external);
    project.provide('databaseUrl', external);
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-test-pg-'));
  const pg = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    // Tests may restart it; durability is not what they check.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  await migrate(pg.url);
  project.provide('databaseUrl', pg.url);
  return async () => {
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
