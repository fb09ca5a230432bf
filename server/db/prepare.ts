// Everything that needs DDL rights: the app's migrations, pg-boss's schema and the queues. Each process does it
// at start (MIGRATE_AT_START, the default), or the database owner runs it once per release (`npm run db:migrate`)
// and processes run under a role with DML rights only.
import { jobDefinitions } from '../queue/definitions.js';
import { JobQueue, startBoss } from '../queue/queue.js';
import type { Logger } from '../log.js';
import { migrate, MigrationError } from './migrate.js';

export async function prepareDatabase(databaseUrl: string, queueSchema: string, log: Logger): Promise<string[]> {
  try {
    const applied = await migrate(databaseUrl, { log: (m) => log.info(m) });
    const boss = await startBoss(databaseUrl, queueSchema, log, { migrate: true, supervise: false });
    try {
      await new JobQueue(boss, log).createQueues(jobDefinitions);
    } finally {
      await boss.stop({ graceful: false, close: true });
    }
    return applied;
  } catch (err) {
    // PostgreSQL's insufficient_privilege: a runtime role without DDL rights, asked to change the schema.
    if ((err as { code?: string }).code !== '42501') throw err;
    throw new MigrationError(
      `The database role may not change the schema (${(err as Error).message}). Run \`npm run db:migrate\` as the owner role, then start with MIGRATE_AT_START=false.`,
    );
  }
}
