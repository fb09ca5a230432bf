import { describe, expect, it } from 'vitest';
import { formatCount, formatUsd } from '../../../server/notifications/format.js';

describe('notification number formats', () => {
  it('shows money in dollars, rounded to the cent, or to a tenth of a cent below one', () => {
    expect(formatUsd('0.485333')).toBe('$0.49');
    expect(formatUsd('25')).toBe('$25.00');
    expect(formatUsd('1234.5')).toBe('$1,234.50');
    expect(formatUsd('0')).toBe('$0.00');
    expect(formatUsd('0.009999')).toBe('$0.01');
    expect(formatUsd('0.003')).toBe('$0.003');
    expect(formatUsd('0.000120')).toBe('under $0.001');
  });

  it('groups digits and uses the singular for one', () => {
    expect(formatCount(49135, 'example')).toBe('49,135 examples');
    expect(formatCount(1, 'error')).toBe('1 error');
    expect(formatCount(2, 'error')).toBe('2 errors');
    expect(formatCount(0, 'warning')).toBe('0 warnings');
    expect(formatCount(1, 'point')).toBe('1 point');
  });
});
