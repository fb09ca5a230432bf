// Everything that needs DDL rights: the app's migrations, pg-boss's schema and the queues. Each process does it
// at start (MIGRATE_AT_START, the default), or the database owner runs it once per release (`npm run db:migrate`)
// and processes run under a role with DML rights only.
import { jobKinds } from '../jobs/registry.js';
import { JobQueue, startBoss } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import { migrate } from './migrate.js';

export async function prepareDatabase(databaseUrl: string, queueSchema: string, log: Logger): Promise<string[]> {
  const applied = await migrate(databaseUrl, { log: (m) => log.info(m) });
  const boss = await startBoss(databaseUrl, queueSchema, log, { migrate: true, supervise: false });
  try {
    await new JobQueue(boss, log).createQueues(jobKinds);
  } finally {
    await boss.stop({ graceful: false, close: true });
  }
  return applied;
}
