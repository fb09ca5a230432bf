// A WebSocket connection is signed in once, at connection_init, and may stay
// open for days: it closes when its credential stops working, as an HTTP
// request would then be refused; a subscription over Server-Sent Events ends
// then too. A token ends at its expiry; an API key when it is revoked (on any
// process: the revocation travels through the pubsub).
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/authenticate.js';
import type { ConnectionCounter } from './connection-limits.js';
import { isAsyncIterable } from './graphql-input.js';
import type { AppPubSub } from '../events/pubsub.js';

/** graphql-ws's close code for a refused connection_init; used for every credential ending. */
export const CLOSE_FORBIDDEN = 4403;
/** A connection_init whose credential could not be checked just now (the identity provider is down): retry. */
export const CLOSE_RETRY_LATER = 4503;
/** setTimeout's limit; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `ended` once when the viewer's credential stops working; returns a function that stops watching. */
export function watchCredential(viewer: Viewer, pubsub: AppPubSub, ended: (reason: string) => void): () => void {
  const { credential } = viewer;
  if (credential.via === 'token') {
    let timer: NodeJS.Timeout;
    const check = () => {
      const left = credential.expiresAt - Date.now();
      if (left <= 0) ended('The token has expired. Sign in again.');
      else timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
    };
    check();
    return () => clearTimeout(timer);
  }
  const revocations = pubsub.subscribe('apiKeyRevoked', credential.keyId);
  void (async () => {
    for await (const _ of revocations) {
      ended('The API key has been revoked.');
      return;
    }
  })();
  return () => void revocations.return?.();
}

/** Closes the socket when the viewer's credential ends; returns a function that stops watching. */
export function closeWhenCredentialEnds(viewer: Viewer, socket: WebSocket, pubsub: AppPubSub): () => void {
  return watchCredential(viewer, pubsub, (reason) => socket.close(CLOSE_FORBIDDEN, reason));
}

/**
 * A subscription over HTTP (Server-Sent Events) ends with an UNAUTHENTICATED error when its credential stops
 * working, as a WebSocket closes with 4403. graphql-ws operations are left to their connection's watch.
 */
export function useSubscriptionsEndWithCredential(pubsub: AppPubSub, connections: ConnectionCounter): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as { viewer?: Viewer | null; connectionParams?: unknown };
      if (context.connectionParams !== undefined || !context.viewer) return;
      const viewer = context.viewer;
      // Each stream is a connection of its own: it counts toward the user's limit while it is open.
      if (!connections.take(viewer.id)) {
        const message = `Too many open connections: at most ${connections.maxPerUser} per user. Close one first.`;
        setResultAndStopExecution({ errors: [new GraphQLError(message, { extensions: { code: 'TOO_MANY_CONNECTIONS' } })] });
        return;
      }
      let released = false;
      const release = () => {
        if (!released) connections.release(viewer.id);
        released = true;
      };
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(untilCredentialEnds(result as AsyncIterable<ExecutionResult>, viewer, pubsub, release));
          else release();
        },
      };
    },
  };
}

async function* untilCredentialEnds(source: AsyncIterable<ExecutionResult>, viewer: Viewer, pubsub: AppPubSub, done: () => void): AsyncGenerator<ExecutionResult> {
  let reason: ((why: string) => void) | undefined;
  const ended = new Promise<{ ended: string }>((resolve) => (reason = (why) => resolve({ ended: why })));
  const stop = watchCredential(viewer, pubsub, (why) => reason!(why));
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), ended]);
      if ('ended' in next) {
        yield { errors: [new GraphQLError(next.ended, { extensions: { code: 'UNAUTHENTICATED' } })] };
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    stop();
    done();
    void iterator.return?.();
  }
}
