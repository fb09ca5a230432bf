// Log lines carry the request or job being served, whichever logger writes them;
// an error repeated on every retry is written once per interval, with a count.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, logRepeatsOnce, withLogContext } from '../../../server/log.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger('debug', { component: 'test' }, (line) => lines.push(JSON.parse(line))) };
}

describe('withLogContext', () => {
  it('binds its fields to every line logged inside it, across awaits', async () => {
    const { lines, log } = capture();
    await withLogContext({ requestId: 'r-1' }, async () => {
      log.info('before');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.child({ queue: 'q' }).warn('after', { ms: 5 });
    });
    log.info('outside');
    expect(lines.map(({ msg, requestId, queue }) => ({ msg, requestId, queue }))).toEqual([
      { msg: 'before', requestId: 'r-1', queue: undefined },
      { msg: 'after', requestId: 'r-1', queue: 'q' },
      { msg: 'outside', requestId: undefined, queue: undefined },
    ]);
    expect(lines[1]).toMatchObject({ level: 'warn', component: 'test', ms: 5 });
  });

  it('nests, and keeps concurrent contexts apart', async () => {
    const { lines, log } = capture();
    await Promise.all(
      ['a', 'b'].map((id) =>
        withLogContext({ requestId: id }, () =>
          withLogContext({ operation: `op-${id}` }, async () => {
            await new Promise((resolve) => setTimeout(resolve, id === 'a' ? 10 : 1));
            log.info('done');
          }),
        ),
      ),
    );
    expect(lines.map(({ requestId, operation }) => `${requestId}/${operation}`).sort()).toEqual(['a/op-a', 'b/op-b']);
  });
});

describe('logRepeatsOnce', () => {
  afterEach(() => void vi.useRealTimers());
  const refused = (port: number) => Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED' });

  it('writes 1000 identical errors as one line, then one line with the count when the interval ends', () => {
    vi.useFakeTimers();
    const { lines, log } = capture();
    const quiet = logRepeatsOnce(log, { intervalMs: 30_000 });
    for (let i = 0; i < 1000; i++) quiet.error('pg-boss error', { err: refused(5432), attempt: i });
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(30_000);
    expect(lines.map(({ msg, repeated, attempt }) => ({ msg, repeated, attempt }))).toEqual([
      { msg: 'pg-boss error', repeated: undefined, attempt: 0 },
      { msg: 'pg-boss error', repeated: 999, attempt: 999 },
    ]);
    // Still failing: one count per interval, no full line in between.
    for (let i = 0; i < 10; i++) quiet.error('pg-boss error', { err: refused(5432) });
    vi.advanceTimersByTime(30_000);
    expect(lines.slice(2).map((l) => l.repeated)).toEqual([10]);
    // Quiet for a whole interval: the next one is written in full again.
    vi.advanceTimersByTime(30_000);
    quiet.error('pg-boss error', { err: refused(5432) });
    expect(lines.slice(3).map((l) => l.repeated)).toEqual([undefined]);
  });

  it('writes each distinct error, keyed by code or message and never by the stack', () => {
    const { lines, log } = capture();
    const quiet = logRepeatsOnce(log);
    quiet.error('pg-boss error', { err: refused(1) });
    quiet.error('pg-boss error', { err: refused(2) }); // same code
    quiet.error('pg-boss error', { err: new Error('Connection terminated unexpectedly') });
    quiet.error('pg-boss error', { err: new Error('Connection terminated unexpectedly') });
    quiet.warn('pg-boss error', { err: refused(1) }); // another level
    quiet.error('pubsub connection problem', { err: refused(1) }); // another message
    expect(lines.map((l) => `${l.level} ${l.msg} ${(l.err as { message: string }).message}`)).toEqual([
      'error pg-boss error connect ECONNREFUSED 127.0.0.1:1',
      'error pg-boss error Connection terminated unexpectedly',
      'warn pg-boss error connect ECONNREFUSED 127.0.0.1:1',
      'error pubsub connection problem connect ECONNREFUSED 127.0.0.1:1',
    ]);
  });

  it('writes the counts still pending when flushed, and none for errors that did not repeat', () => {
    const { lines, log } = capture();
    const quiet = logRepeatsOnce(log);
    quiet.error('once', { err: new Error('a') });
    for (let i = 0; i < 3; i++) quiet.child({ queue: 'q' }).error('thrice', { err: new Error('b') });
    quiet.flush();
    expect(lines.map(({ msg, repeated, queue }) => ({ msg, repeated, queue }))).toEqual([
      { msg: 'once', repeated: undefined, queue: undefined },
      { msg: 'thrice', repeated: undefined, queue: 'q' },
      { msg: 'thrice', repeated: 2, queue: 'q' },
    ]);
  });
});
