// What an action with typed errors answered, read the same way by every form and button: its success payload, or
// the words to show (the typed error's message, else the request's error, else the action's own fallback).
import type { CombinedError } from 'urql';
import { graphql } from '../gql';

/** What every action reads from a typed error: spread it as `...ActionFailure` beside the success payload. */
export const ActionFailureFragment = graphql(`
  fragment ActionFailure on Error {
    message
  }
`);

/** A union answer narrowed to its success payload; null when it answered a typed error (or nothing). */
export function success<Answer extends { __typename: string }, Name extends Answer['__typename']>(
  answer: Answer | null | undefined,
  typename: Name,
): Extract<Answer, { __typename: Name }> | null {
  return answer?.__typename === typename ? (answer as Extract<Answer, { __typename: Name }>) : null;
}

/** The words for a failed action: the typed error's message, else the request's error, else `fallback`. */
export function failureMessage(answer: object | null | undefined, error: CombinedError | undefined, fallback: string): string {
  return answer && 'message' in answer && typeof answer.message === 'string' ? answer.message : (error?.message ?? fallback);
}

/** The success payload named `typename`, or null with the failure's words. */
export function outcome<Answer extends { __typename: string }, Name extends Answer['__typename']>(
  answer: Answer | null | undefined,
  typename: Name,
  error: CombinedError | undefined,
  fallback: string,
): { payload: Extract<Answer, { __typename: Name }>; failure: null } | { payload: null; failure: string } {
  const payload = success(answer, typename);
  return payload ? { payload, failure: null } : { payload: null, failure: failureMessage(answer, error, fallback) };
}
