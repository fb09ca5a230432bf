// Who a credential belongs to, remembered for a short while in this process:
// every request carries its credential, and checking it afresh (a signature,
// then the user's row or the key's row) costs a database read per request.
// What ends a credential ends its entry at once: a token's expiry bounds its
// entry; a key revoked here is forgotten before revokeApiKey returns, one
// revoked on another process as soon as the revocation arrives through the
// pubsub; a pubsub reconnect (revocations may have been missed) forgets all.
// Tokens have no other end (there is no sign-out or password here: the
// identity provider's tokens expire), and a refused credential is never kept.
// A key's lastUsedAt is written when its entry is made, so it may lag real
// use by the cache time on top of api-keys.ts's minute.
import type { AppPubSub } from '../events/pubsub.js';
import { onApiKeyRevokedHere } from './api-keys.js';
import type { Viewer } from './authenticate.js';

/** How long a checked credential is taken on trust; a newer token (other claims) is another entry. */
export const CREDENTIAL_CACHE_MS = 30_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  viewer: Viewer;
  /** Until when (ms since the epoch) the entry may answer. */
  until: number;
}

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  /** Per API key cached: its credentials here, and how to stop listening for its revocation elsewhere. */
  private readonly keys = new Map<string, { tokens: Set<string>; stop: () => void }>();
  /** Counts revocations seen: a check that began before one may have read the key before it was revoked. */
  private revocations = 0;

  /** Stops listening for this process's revocations. */
  readonly close: () => void;

  constructor(private readonly pubsub: AppPubSub) {
    pubsub.onReconnect(() => this.clear());
    this.close = onApiKeyRevokedHere((keyId) => this.forgetApiKey(keyId));
  }

  /** The viewer a credential was found to be, if still within its time. */
  get(credential: string): Viewer | null {
    const entry = this.entries.get(credential);
    if (!entry) return null;
    if (Date.now() < entry.until) return entry.viewer;
    this.forget(credential);
    return null;
  }

  /** Pass to `remember`: taken before checking a credential. */
  get revision(): number {
    return this.revocations;
  }

  /** Keeps what a check begun at `revision` found, unless a revocation came in meanwhile. */
  remember(credential: string, viewer: Viewer, revision: number): void {
    if (revision !== this.revocations) return;
    const until = Math.min(Date.now() + CREDENTIAL_CACHE_MS, viewer.credential.via === 'token' ? viewer.credential.expiresAt : Infinity);
    if (this.entries.size >= MAX_ENTRIES && !this.entries.has(credential)) this.forget(this.entries.keys().next().value!);
    this.entries.set(credential, { viewer, until });
    if (viewer.credential.via === 'apiKey') this.watchKey(viewer.credential.keyId, credential);
  }

  /** The key was revoked: none of its credentials is taken on trust any more. */
  forgetApiKey(keyId: string): void {
    this.revocations++;
    this.dropKey(keyId);
  }

  clear(): void {
    this.revocations++;
    for (const keyId of [...this.keys.keys()]) this.dropKey(keyId);
    this.entries.clear();
  }

  private dropKey(keyId: string): void {
    const key = this.keys.get(keyId);
    if (!key) return;
    this.keys.delete(keyId);
    key.stop();
    for (const credential of key.tokens) this.entries.delete(credential);
  }

  private forget(credential: string): void {
    const entry = this.entries.get(credential);
    this.entries.delete(credential);
    if (entry?.viewer.credential.via !== 'apiKey') return;
    const key = this.keys.get(entry.viewer.credential.keyId);
    key?.tokens.delete(credential);
    if (key && key.tokens.size === 0) this.dropKey(entry.viewer.credential.keyId);
  }

  /** Listens for the key's revocation on any process while a credential of it is cached. */
  private watchKey(keyId: string, credential: string): void {
    const known = this.keys.get(keyId);
    if (known) return void known.tokens.add(credential);
    const revocations = this.pubsub.subscribe('apiKeyRevoked', keyId);
    this.keys.set(keyId, { tokens: new Set([credential]), stop: () => void revocations.return?.() });
    void (async () => {
      for await (const _ of revocations) {
        this.forgetApiKey(keyId);
        return;
      }
    })();
  }
}
