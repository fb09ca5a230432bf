// The one GraphQL client of the tests (in-process app, spawned servers, browser stack): typed documents from
// test/gql over HTTP POST with a bearer token, the raw-string path for documents a test sends invalid on
// purpose, and graphql-ws clients that close with it.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import { expect } from 'vitest';
import WebSocket from 'ws';

/** What a test document still written as a string gives back. Typed test/gql documents replace each use; this is the one place it enters. */
// biome-ignore lint/suspicious/noExplicitAny: the one place untyped GraphQL results enter the tests
export type Untyped = any;
/** An error as the server's responses carry it (always with extensions). */
export interface GraphQLErrorJson {
  message: string;
  path?: readonly (string | number)[];
  extensions: { code?: string; reason?: string; [key: string]: unknown };
}
/** A response's errors: when present, never empty (the GraphQL spec). */
export type GraphQLErrors = [GraphQLErrorJson, ...GraphQLErrorJson[]];

export type { TypedDocumentNode };

/** What the server answered: the HTTP status and the body as sent, errors kept for tests that assert them. */
export interface GraphqlResponse<T> {
  status: number;
  body: { data?: T | null; errors?: GraphQLFormattedError[]; extensions?: Record<string, unknown> };
}

/** Variables may be left out only when the document requires none. */
export type OperationArgs<V> = Record<string, never> extends V ? [variables?: V, token?: string | null] : [variables: V, token?: string | null];

export interface GraphqlClient {
  /** Runs a typed document over HTTP; `token` as a bearer token. */
  gql<T, V>(document: TypedDocumentNode<T, V>, ...args: OperationArgs<V>): Promise<GraphqlResponse<T>>;
  /** @deprecated An untyped string: only files not yet moved to test/gql documents still call this. */
  gql(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: { data?: Untyped; errors?: GraphQLErrors } }>;
  /** Runs a typed document and returns its data; throws with the whole body when there are errors or no data. */
  gqlData<T, V>(document: TypedDocumentNode<T, V>, ...args: OperationArgs<V>): Promise<T>;
  /** @deprecated An untyped string: only files not yet moved to test/gql documents still call this. */
  gqlData(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<Untyped>;
  /** A query string as written, for documents the schema must refuse (a forged field, a bad argument) or headers beside. */
  rawGql(query: string, variables?: Record<string, unknown>, token?: string | null, headers?: Record<string, string>): Promise<GraphqlResponse<Record<string, unknown>>>;
  /** A lazy graphql-ws client; `options` for the few tests that set more (the subscription ids it makes, say). */
  ws(token: string | null, options?: Partial<ClientOptions>): Client;
}

/** The query text of a document; a document that is not in test/gql yet (`{}`) says how to fix it. */
function queryOf(document: string | TypedDocumentNode<unknown, unknown>): string {
  if (typeof document === 'string') return document;
  if (!('kind' in document)) throw new Error('a graphql() document that test/gql does not know: run `npm run codegen`');
  return print(document);
}

/** A client for the server at `url` (its /graphql); close() disposes every WebSocket client it made. */
export function graphqlClient(url: string): GraphqlClient & { close(): Promise<void> } {
  const sockets: Client[] = [];
  const post = async (query: string, variables: unknown, token?: string | null, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GraphqlResponse<never>['body'] };
  };
  const client: GraphqlClient & { close(): Promise<void> } = {
    gql: ((document: string | TypedDocumentNode<unknown, unknown>, variables?: unknown, token?: string | null) =>
      post(queryOf(document), variables, token)) as GraphqlClient['gql'],
    gqlData: (async (document: string | TypedDocumentNode<unknown, unknown>, variables?: unknown, token?: string | null) => {
      const { status, body } = await post(queryOf(document), variables, token);
      if (!body.data || body.errors?.length) throw new Error(`HTTP ${status}: ${JSON.stringify(body)}`);
      return body.data;
    }) as GraphqlClient['gqlData'],
    rawGql: (query, variables, token, headers) => post(query, variables, token, headers),
    ws(token, options) {
      const socket = createClient({
        url: `${url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: true,
        ...options,
      });
      sockets.push(socket);
      return socket;
    },
    async close() {
      await Promise.all(sockets.splice(0).map((s) => s.dispose()));
    },
  };
  return client;
}

type WsResult<T> = { data?: T; errors?: readonly (GraphQLFormattedError | Error)[]; closeCode?: number };

/** Runs one operation over graphql-ws and returns its first result, or the close/error that ended it. */
export function wsOnce<T, V>(client: Client, document: TypedDocumentNode<T, V>, variables?: V): Promise<WsResult<T>>;
/** The raw-string form, for documents the server must refuse (and files not yet moved to test/gql documents). */
export function wsOnce<T = Untyped>(client: Client, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: GraphQLErrors; closeCode?: number }>;
export function wsOnce(client: Client, document: string | TypedDocumentNode<unknown, unknown>, variables?: unknown): Promise<WsResult<unknown>> {
  const query = queryOf(document);
  return new Promise((resolve) => {
    let unsubscribe = () => {};
    unsubscribe = client.subscribe(
      { query, variables: variables as Record<string, unknown> | undefined },
      {
        next: (value) => {
          resolve({ data: value.data ?? undefined, errors: value.errors });
          unsubscribe();
        },
        error: (err) => {
          const closeCode = (err as { code?: number }).code;
          resolve(Array.isArray(err) ? { errors: err } : { closeCode, errors: [err as Error] });
        },
        complete: () => {},
      },
    );
  });
}

/** Subscribes over graphql-ws and collects results until `done` says so (or the timeout passes); rejects on errors. */
export function wsCollect<T, V>(client: Client, document: TypedDocumentNode<T, V>, variables: V, done: (results: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
/** @deprecated An untyped string: only files not yet moved to test/gql documents still call this. */
export function wsCollect<T = Untyped>(client: Client, query: string, variables: Record<string, unknown>, done: (results: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
export function wsCollect<T>(
  client: Client,
  document: string | TypedDocumentNode<T, unknown>,
  variables: unknown,
  done: (results: T[]) => boolean,
  timeoutMs = 30_000,
): Promise<T[]> {
  const query = queryOf(document as string | TypedDocumentNode<unknown, unknown>);
  return new Promise((resolve, reject) => {
    const results: T[] = [];
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${results.length} results: ${JSON.stringify(results.at(-1))?.slice(0, 500)}`));
    }, timeoutMs);
    const unsubscribe = client.subscribe<T>(
      { query, variables: variables as Record<string, unknown> },
      {
        next: (value) => {
          if (value.errors) {
            clearTimeout(timer);
            reject(new Error(JSON.stringify(value.errors)));
            return;
          }
          results.push(value.data as T);
          if (done(results)) {
            clearTimeout(timer);
            unsubscribe();
            resolve(results);
          }
        },
        error: (err) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
        },
        complete: () => {},
      },
    );
  });
}

/** `value` when its __typename is `typename` (a failed expectation otherwise), narrowed to that member of its union. */
export function ofType<T extends { __typename?: string }, N extends NonNullable<T['__typename']>>(value: T | null | undefined, typename: N): Extract<T, { __typename?: N }> {
  expect(value?.__typename, JSON.stringify(value)).toBe(typename);
  return value as Extract<T, { __typename?: N }>;
}
