// A separate process doing what a poll does for one running job: accrue its
// compute cost, then apply its owner's monthly budget. budget.test.ts starts
// several at once to cross a threshold from different processes together.
// Usage: budget-poller.ts <jobId> <folder>; DATABASE_URL from the environment. Once connected it writes
// <folder>/<jobId>.ready and waits for <folder>/go, so that all start together however slowly each one loaded.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyBudget } from '../../../server/training/spending-limits.js';
import { accrueComputeCost } from '../../../server/costs/compute-cost.js';
import { connectDatabase, db, disconnectDatabase } from '../../../server/db/client.js';
import type { Services } from '../../../server/services/services.js';

const [jobId, folder] = process.argv.slice(2) as [string, string];
connectDatabase(process.env.DATABASE_URL!, 2);
const job = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
await db.$queryRaw`SELECT 1`; // connected before the start line
writeFileSync(path.join(folder, `${jobId}.ready`), '');
while (!existsSync(path.join(folder, 'go'))) await new Promise((resolve) => setTimeout(resolve, 2));
// Only notifications are published on this path (no hard stop): nobody listens to this process's pubsub.
const services = { pubsub: { publish() {} } } as unknown as Services;
const at = new Date();
await accrueComputeCost(job, at);
await applyBudget(services, job.ownerId, at);
console.log(JSON.stringify({ jobId, at: at.getTime() }));
await disconnectDatabase();
