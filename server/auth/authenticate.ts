// Turns an Authorization header (HTTP) or connection_init payload (WebSocket)
// into the calling user. No credentials: null. Bad credentials: an error.
import { ensureUser } from '../users/ensure-user.js';
import { authenticateApiKey, isApiKey } from './api-keys.js';
import type { CredentialCache } from './credential-cache.js';
import { AuthenticationError } from './errors.js';
import type { VerifiedIdentity } from './tokens.js';

export interface Viewer {
  id: string;
  /** What the caller signed in with, and so when that stops being valid: at a token's expiry, or a key's revocation. */
  credential: { via: 'token'; expiresAt: number } | { via: 'apiKey'; keyId: string };
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

/** With `cache`, a credential checked a moment ago is taken on trust (see credential-cache.ts for what ends that). */
export function createAuthenticator(verifyToken: (token: string) => Promise<VerifiedIdentity>, cache: CredentialCache | null = null) {
  const check = async (token: string): Promise<Viewer> => {
    if (isApiKey(token)) {
      const { ownerId, keyId } = await authenticateApiKey(token);
      return { id: ownerId, credential: { via: 'apiKey', keyId } };
    }
    const identity = await verifyToken(token);
    const user = await ensureUser(identity);
    return { id: user.id, credential: { via: 'token', expiresAt: identity.expiresAt } };
  };
  return async (token: string | null): Promise<Viewer | null> => {
    if (!token) return null;
    const known = cache?.get(token);
    if (known) return known;
    const revision = cache?.revision ?? 0;
    const viewer = await check(token);
    cache?.remember(token, viewer, revision);
    return viewer;
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
