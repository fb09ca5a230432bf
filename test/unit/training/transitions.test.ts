// The state machine's table against SPEC: all 36 (from, to) pairs of the six statuses, legal or not.
import { describe, expect, it } from 'vitest';
import type { TrainingJobStatus } from '../../../server/db/generated/prisma/enums.js';
import { ACTIVE_JOB_STATUSES, isTerminal, TERMINAL_JOB_STATUSES } from '../../../server/db/training-status.js';
import { canTransition, NEXT_STATUSES, predecessorsOf } from '../../../server/training/transitions.js';

const STATUSES: TrainingJobStatus[] = ['QUEUED', 'INITIALIZING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];

/**
 * SPEC §3, written out by hand rather than derived from the code under test:
 * QUEUED → INITIALIZING → RUNNING → COMPLETED | FAILED | CANCELLED; any active status → FAILED or CANCELLED;
 * terminal statuses never change. Nothing else, and no status goes to itself.
 */
const LEGAL = new Set([
  'QUEUED→INITIALIZING',
  'QUEUED→FAILED',
  'QUEUED→CANCELLED',
  'INITIALIZING→RUNNING',
  'INITIALIZING→FAILED',
  'INITIALIZING→CANCELLED',
  'RUNNING→COMPLETED',
  'RUNNING→FAILED',
  'RUNNING→CANCELLED',
]);

const PAIRS = STATUSES.flatMap((from) => STATUSES.map((to) => ({ from, to, legal: LEGAL.has(`${from}→${to}`) })));

describe('canTransition', () => {
  it('covers exactly the six statuses of the schema', () => {
    expect(Object.keys(NEXT_STATUSES).sort()).toEqual([...STATUSES].sort());
    expect(PAIRS).toHaveLength(36);
    expect(PAIRS.filter((p) => p.legal)).toHaveLength(9);
  });

  it.each(PAIRS)('$from → $to is legal: $legal', ({ from, to, legal }) => {
    expect(canTransition(from, to)).toBe(legal);
    expect(NEXT_STATUSES[from].includes(to)).toBe(legal);
    expect(predecessorsOf(to).includes(from)).toBe(legal);
  });

  it('has no duplicate entries in any list of next statuses', () => {
    for (const from of STATUSES) expect(new Set(NEXT_STATUSES[from]).size).toBe(NEXT_STATUSES[from].length);
  });
});

describe('the shape of the machine', () => {
  it('lets every active status fail or be cancelled, and no terminal status go anywhere', () => {
    expect([...ACTIVE_JOB_STATUSES].sort()).toEqual(['INITIALIZING', 'QUEUED', 'RUNNING']);
    expect([...TERMINAL_JOB_STATUSES].sort()).toEqual(['CANCELLED', 'COMPLETED', 'FAILED']);
    for (const from of ACTIVE_JOB_STATUSES) {
      expect(canTransition(from, 'FAILED')).toBe(true);
      expect(canTransition(from, 'CANCELLED')).toBe(true);
      expect(isTerminal(from)).toBe(false);
    }
    for (const from of TERMINAL_JOB_STATUSES) {
      expect(NEXT_STATUSES[from]).toEqual([]);
      expect(isTerminal(from)).toBe(true);
    }
  });

  it('reaches COMPLETED only through RUNNING, and RUNNING only through INITIALIZING', () => {
    expect(predecessorsOf('COMPLETED')).toEqual(['RUNNING']);
    expect(predecessorsOf('RUNNING')).toEqual(['INITIALIZING']);
    expect(predecessorsOf('INITIALIZING')).toEqual(['QUEUED']);
    expect(predecessorsOf('QUEUED')).toEqual([]);
    expect(predecessorsOf('FAILED').sort()).toEqual(['INITIALIZING', 'QUEUED', 'RUNNING']);
    expect(predecessorsOf('CANCELLED').sort()).toEqual(['INITIALIZING', 'QUEUED', 'RUNNING']);
  });

  it('walks the happy path and nothing longer: every path from QUEUED ends in a terminal status within three moves', () => {
    const paths: TrainingJobStatus[][] = [];
    const walk = (path: TrainingJobStatus[]) => {
      const next = NEXT_STATUSES[path.at(-1)!];
      if (next.length === 0) return void paths.push(path);
      for (const to of next) walk([...path, to]);
    };
    walk(['QUEUED']);
    expect(paths.map((p) => p.join(' → ')).sort()).toEqual(
      [
        'QUEUED → CANCELLED',
        'QUEUED → FAILED',
        'QUEUED → INITIALIZING → CANCELLED',
        'QUEUED → INITIALIZING → FAILED',
        'QUEUED → INITIALIZING → RUNNING → CANCELLED',
        'QUEUED → INITIALIZING → RUNNING → COMPLETED',
        'QUEUED → INITIALIZING → RUNNING → FAILED',
      ].sort(),
    );
  });
});
