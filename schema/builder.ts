// The Pothos builder and its plugins, nothing else. Plugin order as Pothos
// documents it: scope-auth first, errors before prisma.
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../server/auth/authenticate.js';
import { db, type Prisma } from '../server/db/client.js';
import type PrismaTypes from '../server/db/generated/pothos-types.js';
import type { PushEvent } from '../server/graphql/shared-subscription-results.js';
import { getDatamodel } from '../server/db/generated/pothos-types.js';
import type { Services } from '../server/services/services.js';

export interface Context {
  viewer: Viewer | null;
  services: Services;
  requestId: string;
  /** Over graphql-ws: sends a subscription event's result to the client at once (set by shared-subscription-results). */
  pushEvent?: PushEvent;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A global id as this API gives them out (base64 of "Type:<uuid>"); anything else is the caller's mistake, answered
 * BAD_USER_INPUT before it reaches the database (where it used to surface as an internal error).
 */
export function decodeId(globalID: string): { typename: string; id: string } {
  let decoded: { typename: string; id: string } | null;
  try {
    decoded = decodeGlobalID(globalID);
  } catch {
    decoded = null;
  }
  if (!decoded || !UUID.test(decoded.id)) {
    throw new GraphQLError(`"${globalID.slice(0, 100)}" is not an id this API gave out`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return decoded;
}

/**
 * The global id of an object of GraphQL type `typename`: every id a client sees is made here, by the relay plugin
 * (node ids, globalID fields) and for ids inside JSON (notification metadata and links).
 */
export function encodeId(typename: string, id: string | number | bigint): string {
  return encodeGlobalID(typename, id);
}

/** A page cursor that is not one this API gave out is the caller's mistake (BAD_USER_INPUT), not an internal error. */
export function checkedCursor<Q extends { cursor?: { id?: string } }>(query: Q): Q {
  const id = query.cursor?.id;
  if (id !== undefined && !UUID.test(id)) throw new GraphQLError('The cursor is not one this API gave out', { extensions: { code: 'BAD_USER_INPUT' } });
  return query;
}

/** The caller's user id; only called behind an authScopes `user` rule. */
export function viewerId(ctx: Context): string {
  if (!ctx.viewer) throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
  return ctx.viewer.id;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  /** user: signed in; session: signed in with a token, not an API key (keys cannot manage keys); public: anyone. */
  AuthScopes: { user: boolean; session: boolean; public: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    Decimal: { Input: string; Output: string | Prisma.Decimal };
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin, SimpleObjectsPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({ user: ctx.viewer !== null, session: ctx.viewer?.credential.via === 'token', public: true }),
    unauthorizedError: (_parent, ctx) =>
      ctx.viewer
        ? new GraphQLError(ctx.viewer.credential.via === 'apiKey' ? 'Not allowed with an API key: sign in with a token' : 'Not allowed', { extensions: { code: 'FORBIDDEN' } })
        : new GraphQLError('Authentication required: send "Authorization: Bearer <token or API key>"', {
            extensions: { code: 'UNAUTHENTICATED' },
          }),
  },
  errors: {
    defaultTypes: [],
    directResult: true,
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName[0]!.toUpperCase()}${fieldName.slice(1)}Result` },
  },
  prisma: {
    client: () => db,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: { authScopes: { user: true } },
    nodesQueryOptions: false,
    encodeGlobalID: encodeId,
    decodeGlobalID: decodeId,
  },
});

/** The builder's schema types, for helpers that take a Pothos field builder. */
export type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;
