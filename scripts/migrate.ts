// `npm run db:migrate`: applies pending migrations to DATABASE_URL.
import { loadConfig } from '../server/config.js';
import { migrate } from '../server/db/migrate.js';

const config = loadConfig();
if (!config.database.url) {
  console.error('Set DATABASE_URL (npm start migrates the embedded database by itself).');
  process.exit(2);
}
const applied = await migrate(config.database.url, { log: console.log });
console.log(applied.length ? `Applied ${applied.length} migration(s).` : 'Database is up to date.');
