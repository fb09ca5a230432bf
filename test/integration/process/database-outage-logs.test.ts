// A worker through a PostgreSQL outage of about 15 s: pg-boss and the pubsub
// listener fail on every retry, but the log gets each distinct error once and
// a count, not a line per retry. Runs on a PostgreSQL of its own.
import { expect, it } from 'vitest';
import { useProcesses } from '../../helpers/processes.js';

const procs = useProcesses();
const OUTAGE_MS = 15_000;

type Line = { level?: string; msg?: string; repeated?: number };

function parsed(lines: string[]): Line[] {
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Line];
    } catch {
      return [];
    }
  });
}

it('logs a bounded number of lines while the database is down', async () => {
  const postgres = await procs.startDatabase();
  const gpu = await procs.startSimulator();
  const worker = await procs.startServer({ ROLE: 'worker', DATABASE_URL: postgres.url, SIMULATED_GPU_URL: gpu.url, LOG_LEVEL: 'info' }, { name: 'worker' });
  const before = worker.lines().length;

  await postgres.stop();
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await postgres.start();
  // pg-boss polls every half second and its supervisor every 5 s: long enough for both to succeed again.
  await new Promise((r) => setTimeout(r, 6_000));
  // Stopping writes the counts not yet reported.
  await worker.kill('SIGTERM');

  const problems = parsed(worker.lines().slice(before)).filter((l) => l.level === 'warn' || l.level === 'error');
  const bossErrors = problems.filter((l) => l.msg === 'pg-boss error');
  const counts = new Map<string, number>();
  for (const l of problems) counts.set(`${l.level} ${l.msg}`, (counts.get(`${l.level} ${l.msg}`) ?? 0) + 1);
  console.info(`[database-outage-logs] ${problems.length} warn/error lines in a ${OUTAGE_MS / 1000} s outage (${[...counts].map(([k, n]) => `${k}: ${n}`).join(', ')})`);
  // Each distinct error (refused, terminated, starting up…) once and then its count: a handful, where every
  // poll of every worker used to write one (about 700 here).
  expect(bossErrors.length).toBeGreaterThan(0);
  expect(bossErrors.length).toBeLessThanOrEqual(15);
  expect(problems.length).toBeLessThanOrEqual(25);
  // What was left out is counted: every worker polls twice a second, so hundreds.
  expect(bossErrors.reduce((sum, l) => sum + (l.repeated ?? 0), 0)).toBeGreaterThan(100);
}, 120_000);
