// What /metrics reads from the database when scraped: training jobs and
// datasets per status, and queue jobs held past their heartbeat or expiry.
// Every process reads the same numbers; each is one grouped query.
import { pool } from '../db/client.js';

export interface TrainingJobCounts {
  /** Jobs per status. */
  jobs: Record<string, number>;
  /** Per status of jobs not ended: seconds since the job that has been quiet longest last moved (reported progress or changed status). */
  quietSeconds: Record<string, number>;
}

export async function trainingJobCounts(): Promise<TrainingJobCounts> {
  const { rows } = await pool.query<{ status: string; n: number; quiet: number | null }>(
    `SELECT status::text, count(*)::int AS n, extract(epoch FROM now() - min("lastHeartbeatAt") FILTER (WHERE status IN ('QUEUED', 'INITIALIZING', 'RUNNING')))::float8 AS quiet
     FROM "TrainingJob" GROUP BY status`,
  );
  const counts: TrainingJobCounts = { jobs: {}, quietSeconds: {} };
  for (const row of rows) {
    counts.jobs[row.status] = row.n;
    if (row.quiet !== null) counts.quietSeconds[row.status] = Math.max(0, row.quiet);
  }
  return counts;
}

/** Datasets per status, deleted ones left out. */
export async function datasetCounts(): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM "Dataset" WHERE "deletedAt" IS NULL GROUP BY status`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Active queue jobs per queue whose worker has gone quiet: no heartbeat for heartbeat_seconds, or running past
 * expire_seconds. The same tests pg-boss's supervisor applies before it fails or retries such a job.
 */
export async function overdueQueueJobs(schema: string): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ name: string; n: number }>(
    `SELECT name, count(*)::int AS n FROM ${schema}.job
     WHERE state = 'active'
       AND (started_on + expire_seconds * interval '1s' < ${schema}.job_now()
         OR (heartbeat_seconds IS NOT NULL AND heartbeat_on + heartbeat_seconds * interval '1s' < ${schema}.job_now()))
     GROUP BY name`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}
