// Users are created on first sight of a new token subject, and follow the
// email and name of newer tokens.
import { db } from '../db/client.js';

/** What a verified token says about its user (auth/tokens.ts's VerifiedIdentity is one). */
export interface UserIdentity {
  /** "<issuer>|<sub>": unique across identity providers. */
  subject: string;
  email: string | null;
  name: string | null;
  /** When the token was issued (ms since the epoch), if it says. */
  issuedAt: number | null;
}

export async function ensureUser(identity: UserIdentity) {
  const existing = await db.user.findUnique({ where: { subject: identity.subject } });
  if (existing) {
    // A claim the token lacks says nothing: it keeps what is stored.
    const changed = {
      ...(identity.email !== null && identity.email !== existing.email && { email: identity.email }),
      ...(identity.name !== null && identity.name !== existing.name && { name: identity.name }),
    };
    if (Object.keys(changed).length === 0) return existing;
    // A token issued before the last change (an older one, still valid) does not undo it. iat has whole seconds.
    if (identity.issuedAt !== null && identity.issuedAt < Math.floor(existing.updatedAt.getTime() / 1000) * 1000) return existing;
    return db.user.update({ where: { id: existing.id }, data: changed });
  }
  return db.user.upsert({
    where: { subject: identity.subject },
    create: { subject: identity.subject, email: identity.email, name: identity.name },
    update: {},
  });
}
