// API keys for third-party tools: a random secret shown once, stored as SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import { db } from '../db/client.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { Services } from '../services/services.js';
import { AuthenticationError } from './errors.js';

export const API_KEY_PREFIX = 'brk_';

export function isApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A key named 1 to 100 characters (trimmed); the secret is returned once. */
export async function createApiKey(ownerId: string, rawName: string) {
  const name = rawName.trim();
  if (name.length === 0 || name.length > 100) throw new InvalidInputError([{ path: ['name'], message: 'must be 1 to 100 characters' }]);
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const apiKey = await db.apiKey.create({
    data: { ownerId, name, prefix: secret.slice(0, API_KEY_PREFIX.length + 6), secretHash: hashSecret(secret) },
  });
  return { apiKey, secret };
}

/** Told of each key revoked by this process before revokeApiKey returns; the pubsub tells every process, after a round trip. */
const revokedHere = new Set<(keyId: string) => void>();

/** Calls `listener` with each key this process revokes; returns a function that stops it. */
export function onApiKeyRevokedHere(listener: (keyId: string) => void): () => void {
  revokedHere.add(listener);
  return () => void revokedHere.delete(listener);
}

/**
 * Revokes the caller's key (another user's key id, or one already revoked, is not found) and closes, on every
 * process, the WebSocket connections signed in with it.
 */
export async function revokeApiKey(services: Pick<Services, 'pubsub'>, ownerId: string, id: string) {
  const { count } = await db.apiKey.updateMany({ where: { id, ownerId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0) throw new NotFoundError('ApiKey', id);
  for (const listener of revokedHere) listener(id);
  services.pubsub.publish('apiKeyRevoked', id, { id });
  return db.apiKey.findUniqueOrThrow({ where: { id } });
}

/** The owner and id of a live key, or an AuthenticationError. */
export async function authenticateApiKey(secret: string): Promise<{ ownerId: string; keyId: string }> {
  const key = await db.apiKey.findUnique({ where: { secretHash: hashSecret(secret) }, select: { id: true, ownerId: true, revokedAt: true, lastUsedAt: true } });
  if (!key || key.revokedAt) throw new AuthenticationError('API_KEY_INVALID', 'The API key is not valid or has been revoked.');
  // Recording use at most once a minute keeps a busy key from writing on every request.
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
  }
  return { ownerId: key.ownerId, keyId: key.id };
}
