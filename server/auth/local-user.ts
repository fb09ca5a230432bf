// Embedded mode signs users in without an identity provider: a local user is
// an email, and its token is signed with the server's own secret.
import type { Config } from '../config.js';
import { resolveServerSecret } from './secret.js';
import { signLocalUserToken } from './tokens.js';

export async function localUserToken(config: Config, email: string): Promise<string> {
  if (config.auth.jwks) throw new Error('Local tokens are disabled: this server verifies identity-provider tokens (AUTH_JWKS_URL).');
  return signLocalUserToken(resolveServerSecret(config), { sub: `local:${email.toLowerCase()}`, email: email.toLowerCase() });
}
