// GET /auth/local: in embedded mode (no identity provider) the web client
// signs in as the local user without a form. Absent when AUTH_JWKS_URL is set.
import type { ServerResponse } from 'node:http';
import { localUserToken } from '../auth/local-user.js';
import type { Services } from '../services/services.js';
import { sendError, sendJson } from './respond.js';

export async function handleLocalSignIn(services: Services, res: ServerResponse): Promise<void> {
  const { config } = services;
  if (config.auth.jwks) return sendError(res, 404, 'NOT_FOUND', 'Sign in with your identity provider.');
  const email = config.auth.localUserEmail;
  // Reached only by requests naming this server (see embeddedHostCheck); never kept by a cache.
  res.setHeader('cache-control', 'no-store');
  sendJson(res, 200, { email, token: await localUserToken(config, email) });
}
