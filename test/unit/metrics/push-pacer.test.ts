// When a feed's next push starts: at once after a quiet spell; soon after a push, once the callbacks queued behind
// it have come in (QUIET_TURNS turns bring nothing new), and never later than PUSH_PAUSE_SHARE of the last push.
import { describe, expect, it } from 'vitest';
import { PUSH_PAUSE_SHARE, PushPacer } from '../../../server/metrics/metric-feed.js';

/** One turn of the event loop. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('PushPacer', () => {
  it('starts after the current turn when no push came just before', async () => {
    const pacer = new PushPacer(() => 0);
    let started = false;
    pacer.schedule(() => (started = true));
    expect(started).toBe(false);
    await turn();
    expect(started).toBe(true);
  });

  it('soon after a push, waits while callbacks keep coming and starts a few turns after they stop', async () => {
    let activity = 0;
    const pacer = new PushPacer(() => activity);
    const ended = performance.now();
    // A 10 s push: the next may wait up to 5 s, far more than this test takes.
    pacer.pushed(ended - 10_000, ended);
    let startedAt: number | null = null;
    let turns = 0;
    pacer.schedule(() => (startedAt = turns));
    for (; turns < 20; turns++) {
      activity++;
      await turn();
    }
    expect(startedAt).toBeNull();
    for (; startedAt === null && turns < 100; turns++) await turn();
    expect(startedAt).not.toBeNull();
    expect(startedAt! - 20).toBeLessThanOrEqual(4);
  });

  it('starts at the end of the pause even if callbacks never stop', async () => {
    let activity = 0;
    const pacer = new PushPacer(() => activity);
    const began = performance.now();
    const ended = began + 40;
    pacer.pushed(began, ended);
    let startedAt: number | null = null;
    pacer.schedule(() => (startedAt = performance.now()));
    while (startedAt === null) {
      activity++;
      await turn();
    }
    expect(startedAt).toBeGreaterThanOrEqual(ended + PUSH_PAUSE_SHARE * 40);
  });
});
