// Log lines carry the request or job being served, whichever logger writes them.
import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext } from '../../../server/log.js';

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
