// Users are created on first sight of a new token subject.
import { db } from '../db/client.js';
import type { VerifiedIdentity } from '../auth/tokens.js';

export async function ensureUser(identity: VerifiedIdentity) {
  const existing = await db.user.findUnique({ where: { subject: identity.subject } });
  if (existing) return existing;
  return db.user.upsert({
    where: { subject: identity.subject },
    create: { subject: identity.subject, email: identity.email, name: identity.name },
    update: {},
  });
}
