// A WebSocket connection is signed in once, at connection_init, and may stay
// open for days: it closes when its credential stops working, as an HTTP
// request would then be refused. A token ends at its expiry; an API key when
// it is revoked (on any process: the revocation travels through the pubsub).
import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/authenticate.js';
import type { AppPubSub } from '../events/pubsub.js';

/** graphql-ws's close code for a refused connection_init; used for every credential ending. */
export const CLOSE_FORBIDDEN = 4403;
/** setTimeout's limit; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Closes the socket when the viewer's credential ends; returns a function that stops watching. */
export function closeWhenCredentialEnds(viewer: Viewer, socket: WebSocket, pubsub: AppPubSub): () => void {
  const { credential } = viewer;
  if (credential.via === 'token') {
    let timer: NodeJS.Timeout;
    const check = () => {
      const left = credential.expiresAt - Date.now();
      if (left <= 0) socket.close(CLOSE_FORBIDDEN, 'The token has expired. Sign in again.');
      else timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
    };
    check();
    return () => clearTimeout(timer);
  }
  const revocations = pubsub.subscribe('apiKeyRevoked', credential.keyId);
  void (async () => {
    for await (const _ of revocations) {
      socket.close(CLOSE_FORBIDDEN, 'The API key has been revoked.');
      return;
    }
  })();
  return () => void revocations.return?.();
}
