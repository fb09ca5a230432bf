// How an action's answer reads (web/src/lib/outcome.ts): its success payload, or the words the page shows.
import { CombinedError } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { outcome } from '../../../../web/src/lib/outcome';

type Answer = { __typename: 'DatasetPayload'; dataset: { id: string } } | { __typename: 'DatasetInUseError'; message: string } | { __typename: 'NotFoundError' };

describe('outcome', () => {
  it('gives the success payload and no failure', () => {
    const answer: Answer = { __typename: 'DatasetPayload', dataset: { id: 'ds-1' } };
    expect(outcome(answer, 'DatasetPayload', undefined, 'Not deleted.')).toEqual({ payload: answer, failure: null });
  });

  it("says a typed error's own message", () => {
    const answer = { __typename: 'DatasetInUseError', message: 'Two jobs still use it.' } as Answer;
    expect(outcome(answer, 'DatasetPayload', undefined, 'Not deleted.')).toEqual({ payload: null, failure: 'Two jobs still use it.' });
  });

  it("falls back to the request's error, then to the action's own words", () => {
    const error = new CombinedError({ networkError: new Error('offline') });
    expect(outcome<Answer, 'DatasetPayload'>(undefined, 'DatasetPayload', error, 'Not deleted.').failure).toBe(error.message);
    expect(outcome<Answer, 'DatasetPayload'>({ __typename: 'NotFoundError' }, 'DatasetPayload', undefined, 'Not deleted.').failure).toBe('Not deleted.');
  });
});
