// A credential checked a moment ago is taken on trust only until something ends it: a token's expiry, a key's
// revocation (here or on another process), a pubsub reconnect, or the cache's own time.
import { createPubSub } from 'graphql-yoga';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '../../../server/auth/authenticate.js';
import { CREDENTIAL_CACHE_MS, CredentialCache } from '../../../server/auth/credential-cache.js';
import type { AppPubSub, Topics } from '../../../server/events/pubsub.js';

/** An in-process pubsub with the reconnect hook the real one has. */
function fakePubSub() {
  const reconnects: (() => void)[] = [];
  const pubsub = Object.assign(createPubSub<Topics>(), {
    ready: Promise.resolve(),
    onReconnect: (listener: () => void) => void reconnects.push(listener),
    close: async () => {},
  }) as AppPubSub;
  return {
    pubsub,
    reconnect: () => {
      for (const listener of reconnects) listener();
    },
  };
}

const tokenViewer = (expiresAt: number): Viewer => ({ id: 'user-1', credential: { via: 'token', expiresAt } });
const keyViewer = (keyId: string): Viewer => ({ id: 'user-1', credential: { via: 'apiKey', keyId } });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

const caches: CredentialCache[] = [];
function newCache() {
  const { pubsub, reconnect } = fakePubSub();
  const cache = new CredentialCache(pubsub);
  caches.push(cache);
  return { cache, pubsub, reconnect };
}

afterEach(() => {
  vi.useRealTimers();
  for (const cache of caches.splice(0)) cache.close();
});

describe('CredentialCache', () => {
  it('answers for a token until the sooner of its expiry and the cache time', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { cache } = newCache();
    cache.remember('soon', tokenViewer(Date.now() + 5_000), cache.revision);
    cache.remember('later', tokenViewer(Date.now() + 10 * CREDENTIAL_CACHE_MS), cache.revision);
    expect(cache.get('soon')?.id).toBe('user-1');

    vi.setSystemTime(Date.now() + 5_000);
    expect(cache.get('soon')).toBeNull();
    expect(cache.get('later')?.id).toBe('user-1');

    vi.setSystemTime(1_000_000 + CREDENTIAL_CACHE_MS);
    expect(cache.get('later')).toBeNull();
  });

  it('forgets every credential of a key revoked on another process as soon as the revocation arrives', async () => {
    const { cache, pubsub } = newCache();
    cache.remember('brk_a', keyViewer('key-1'), cache.revision);
    cache.remember('brk_b', keyViewer('key-2'), cache.revision);
    await tick();
    pubsub.publish('apiKeyRevoked', 'key-1', { id: 'key-1' });
    await tick();
    expect(cache.get('brk_a')).toBeNull();
    expect(cache.get('brk_b')?.id).toBe('user-1');
  });

  it('keeps nothing a check found if a revocation came in while it ran: the check may have read the key before', () => {
    const { cache } = newCache();
    const before = cache.revision;
    cache.forgetApiKey('key-1');
    cache.remember('brk_a', keyViewer('key-1'), before);
    expect(cache.get('brk_a')).toBeNull();
  });

  it('forgets everything when the pubsub reconnects: revocations may have been missed', () => {
    const { cache, reconnect } = newCache();
    cache.remember('brk_a', keyViewer('key-1'), cache.revision);
    cache.remember('token', tokenViewer(Date.now() + 60_000), cache.revision);
    reconnect();
    expect(cache.get('brk_a')).toBeNull();
    expect(cache.get('token')).toBeNull();
  });
});
