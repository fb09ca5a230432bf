// Turns an Authorization header (HTTP) or connection_init payload (WebSocket)
// into the calling user. No credentials: null. Bad credentials: an error.
import { ensureUser } from '../users/ensure-user.js';
import { authenticateApiKey, isApiKey } from './api-keys.js';
import { AuthenticationError } from './errors.js';
import type { VerifiedIdentity } from './tokens.js';

export interface Viewer {
  id: string;
  via: 'token' | 'apiKey';
}

export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AuthenticationError('TOKEN_INVALID', 'The Authorization header must be "Bearer <token>".');
  return match[1]!;
}

/** Reads `authorization` or `Authorization` from a graphql-ws connection_init payload. */
export function connectionParamsToken(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? bearerToken(value) : null;
}

export function createAuthenticator(verifyToken: (token: string) => Promise<VerifiedIdentity>) {
  return async (token: string | null): Promise<Viewer | null> => {
    if (!token) return null;
    if (isApiKey(token)) return { id: await authenticateApiKey(token), via: 'apiKey' };
    const user = await ensureUser(await verifyToken(token));
    return { id: user.id, via: 'token' };
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

