// Authentication failures, each with a stable code the client can act on.
import { GraphQLError } from 'graphql';

export type AuthFailure =
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_MISSING'
  | 'API_KEY_INVALID'
  | 'UNAUTHENTICATED'
  /** Signed with a key the identity provider's key set did not have when last fetched: retry in a few seconds. */
  | 'SIGNING_KEY_UNKNOWN'
  /** The identity provider's key set could not be fetched: the token was not checked. */
  | 'IDENTITY_PROVIDER_UNAVAILABLE';

/**
 * Failures that say nothing against the token (it was not checked): the client keeps it and retries instead of
 * signing out. A key the set lacks is refused as usual: after a rotation, signing in again is the way out.
 */
const RETRYABLE: ReadonlySet<AuthFailure> = new Set(['IDENTITY_PROVIDER_UNAVAILABLE']);

export class AuthenticationError extends GraphQLError {
  readonly retryable: boolean;

  constructor(
    readonly reason: AuthFailure,
    message: string,
  ) {
    const retryable = RETRYABLE.has(reason);
    super(message, { extensions: { code: 'UNAUTHENTICATED', reason, retryable, http: { status: 401 } } });
    this.name = 'AuthenticationError';
    this.retryable = retryable;
  }
}
