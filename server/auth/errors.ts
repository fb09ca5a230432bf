// Authentication failures, each with a stable code the client can act on.
import { GraphQLError } from 'graphql';

export type AuthFailure = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_MISSING' | 'API_KEY_INVALID' | 'UNAUTHENTICATED';

export class AuthenticationError extends GraphQLError {
  constructor(readonly reason: AuthFailure, message: string) {
    super(message, { extensions: { code: 'UNAUTHENTICATED', reason, http: { status: 401 } } });
    this.name = 'AuthenticationError';
  }
}
