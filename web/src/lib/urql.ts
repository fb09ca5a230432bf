// The urql client: graphcache (lib/cache.ts), HTTP for queries and mutations, graphql-ws for subscriptions,
// both authenticated with the session token. An UNAUTHENTICATED answer signs the user out, unless the server
// marks it retryable (its identity provider could not check the token just now).
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createCache } from './cache';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** The WebSocket's state, for the "live" indicator. */
export interface LiveSignal {
  get(): LiveState;
  subscribe(listener: () => void): () => void;
}

export interface Connection {
  client: Client;
  live: LiveSignal;
  close(): void;
}

function webSocketUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

// Close code the server uses when connection_init carries bad credentials. (4503, credentials that could not be
// checked just now, is retried like any other close.)
const FORBIDDEN = 4403;

function createLiveSignal(ws: WsClient): LiveSignal {
  let state: LiveState = 'connecting';
  const listeners = new Set<() => void>();
  const set = (next: LiveState) => {
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  };
  ws.on('connected', () => set('live'));
  ws.on('closed', () => set(state === 'connecting' ? 'connecting' : 'reconnecting'));
  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function connect(token: string, onUnauthenticated: () => void): Connection {
  const authorization = `Bearer ${token}`;
  const ws = createWsClient({
    url: webSocketUrl(),
    connectionParams: { authorization },
    // One socket for the whole visit, opened at once: the notification badge listens on every page.
    lazy: false,
    // Stay connected across server restarts: a live page must resume on its own.
    retryAttempts: Infinity,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 15_000) + Math.random() * 500)),
    shouldRetry: (event) => (event as CloseEvent | undefined)?.code !== FORBIDDEN,
    on: {
      closed: (event) => {
        if ((event as CloseEvent | undefined)?.code === FORBIDDEN) onUnauthenticated();
      },
    },
  });

  const client = new Client({
    url: '/graphql',
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED' && e.extensions.retryable !== true)) onUnauthenticated();
        },
      }),
      createCache(),
      // Before fetchExchange: an operation asked for with `{ overSocket: true }` (a live page re-reading itself)
      // goes over the open WebSocket too, so a page that is live makes no HTTP requests.
      subscriptionExchange({
        isSubscriptionOperation: (operation) => operation.kind === 'subscription' || operation.context.overSocket === true,
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
      fetchExchange,
    ],
  });

  return { client, live: createLiveSignal(ws), close: () => void ws.dispose() };
}
