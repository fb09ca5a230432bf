// `npm run db:migrate`: applies pending migrations and prepares the queues on DATABASE_URL, as its owner role.
// Deployments whose processes run under a role without DDL rights run this first, with MIGRATE_AT_START=false.
import { loadConfig } from '../server/config.js';
import { prepareDatabase } from '../server/db/prepare.js';
import { createLogger } from '../server/log.js';

const config = loadConfig();
if (!config.database.url) {
  console.error('Set DATABASE_URL (npm start migrates the embedded database by itself).');
  process.exit(2);
}
const applied = await prepareDatabase(config.database.url, config.database.queueSchema, createLogger('warn'));
console.log(applied.length ? `Applied ${applied.length} migration(s); queues ready.` : 'Database is up to date; queues ready.');
