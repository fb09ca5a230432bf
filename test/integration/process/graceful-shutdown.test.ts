// `npm start` as a user runs it (embedded PostgreSQL, in-process simulated
// GPU) stopped with Ctrl-C (which may arrive twice at once): open subscriptions
// are closed with 1001 and a reason, the process exits 0 within seconds, and
// nothing it started lives on.
import fs from 'node:fs';
import path from 'node:path';
import type { FormattedExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { isAlive, useProcesses } from '../../helpers/processes.js';

const procs = useProcesses();

describe('SIGINT to a ROLE=all server', () => {
  it('closes subscriptions with 1001, exits 0 and leaves no process behind', async () => {
    // No DATABASE_URL and no SIMULATED_GPU_URL: the server starts PostgreSQL and the simulator itself.
    const server = await procs.startServer({ DATABASE_URL: '', SIMULATED_GPU_URL: '' }, { readyTimeoutMs: 90_000 });
    const family = server.descendants();
    expect(family.length).toBeGreaterThan(0); // the embedded PostgreSQL and its backends
    const alice = await procs.createUser(server);

    const client = server.ws(alice.token);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => client.on('closed', (event) => resolve(event as { code: number; reason: string })));
    const ended = new Promise<unknown>((resolve) => {
      client.subscribe({ query: 'subscription { notificationAdded { id } }' }, { next: () => {}, error: resolve, complete: () => resolve('completed') });
    });
    // Messages on one socket are handled in order: once this answers, the subscription is registered.
    const me = await new Promise<FormattedExecutionResult<{ me: { id: string } }>>((resolve, reject) =>
      client.subscribe({ query: '{ me { id } }' }, { next: resolve, error: reject, complete: () => {} }),
    );
    expect(me.data?.me.id).toBeTruthy();

    const signalled = Date.now();
    // Ctrl-C in a terminal reaches npm and the server together, and npm relays its copy: two SIGINTs at once
    // are one press, not the second press that forces an exit.
    process.kill(server.pid, 'SIGINT');
    const exit = await server.kill('SIGINT', 15_000);
    const exitedAfterMs = Date.now() - signalled;

    expect(await closed).toMatchObject({ code: 1001, reason: expect.stringMatching(/shutting down/i) });
    expect(await ended).toMatchObject({ code: 1001 });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(10_000);
    expect(family.filter(isAlive)).toEqual([]);
    // PostgreSQL shut down cleanly (no lock left for the next start to clear), and the port is free again.
    expect(fs.existsSync(path.join(procs.dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    console.info(`[graceful-shutdown] exited ${exitedAfterMs} ms after SIGINT; ${family.length} child processes, none left`);
  });
});
