// Idempotency keys of the create mutations: a retried request with the same key returns what the first made.
import type { FieldProblem } from './errors.js';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** The key as stored (trimmed; null when none given), and the problem with it if it is too long to be one. */
export function readIdempotencyKey(raw: string | null | undefined): { key: string | null; problems: FieldProblem[] } {
  const key = raw?.trim() || null;
  if (key && key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return { key: null, problems: [{ path: ['idempotencyKey'], message: `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }] };
  }
  return { key, problems: [] };
}
