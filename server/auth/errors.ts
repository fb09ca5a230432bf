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

export class AuthenticationError extends GraphQLError {
  constructor(readonly reason: AuthFailure, message: string) {
    super(message, { extensions: { code: 'UNAUTHENTICATED', reason, http: { status: 401 } } });
    this.name = 'AuthenticationError';
  }
}
