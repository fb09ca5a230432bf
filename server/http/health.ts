// GET /healthz: is the database answering, and is the queue running.
import type { ServerResponse } from 'node:http';
import { pool } from '../db/client.js';
import type { Services } from '../services/services.js';
import { sendJson } from './respond.js';

export async function handleHealth(services: Services, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const database = await pool
    .query('SELECT 1')
    .then(() => ({ ok: true, latencyMs: Date.now() - started }))
    .catch((err: Error) => ({ ok: false, error: err.message }));
  const queue = await services.jobs
    .stats()
    .then((queues) => ({ ok: true, queues }))
    .catch((err: Error) => ({ ok: false, error: err.message }));
  const ok = database.ok && queue.ok;
  sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', role: services.config.role, database, queue });
}
