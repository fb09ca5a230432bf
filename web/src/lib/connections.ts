// Keeps cached Relay connections right after a mutation or a live event, without asking the server again.
// Each list field may be cached under many argument sets (filters × pages); these helpers visit them all.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Cache, Variables } from '@urql/exchange-graphcache';
import { stringifyVariables } from 'urql';

type Args = Variables;

interface Connection<Node> {
  totalCount: number;
  edges: { __typename?: string; cursor: string; node: Node }[];
}

/** One list field and a query that reads it with variables named like the field's arguments. */
export interface ListSpec<Data, Vars, Node extends { id: string }> {
  /** The entity holding the field: 'Query', or for example the signed-in User. */
  parent(cache: Cache): string | null;
  field: string;
  query: TypedDocumentNode<Data, Vars>;
  connection(data: Data): Connection<Node> | null | undefined;
  edgeTypename: string;
}

/**
 * The list `field` of `parentType`, read through `query` (a page's own list query). `parent` finds the entity that
 * holds it (the signed-in User for its API keys); new edges are typed as Pothos names them.
 */
export function listSpec<Data, Vars, Node extends { id: string }>(
  parentType: string,
  field: string,
  query: TypedDocumentNode<Data, Vars>,
  connection: (data: Data) => Connection<Node> | null | undefined,
  parent: (cache: Cache) => string | null = () => parentType,
): ListSpec<Data, Vars, Node> {
  return { parent, field, query, connection, edgeTypename: `${parentType}${field[0]!.toUpperCase()}${field.slice(1)}ConnectionEdge` };
}

const PAGING = ['first', 'after', 'last', 'before'];

/** Pages of the same list (same filter) share this key. */
function listKey(args: Args): string {
  return stringifyVariables(Object.fromEntries(Object.entries(args).filter(([name]) => !PAGING.includes(name))));
}

function cachedPages<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>): Args[] {
  const parent = spec.parent(cache);
  if (!parent) return [];
  return cache
    .inspectFields(parent)
    .filter((field) => field.fieldName === spec.field)
    .map((field) => field.arguments ?? {});
}

function read<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>, args: Args): Connection<N> | null {
  const data = cache.readQuery({ query: spec.query, variables: args as V });
  return (data && spec.connection(data)) ?? null;
}

function update<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>, args: Args, change: (list: Connection<N>) => void) {
  cache.updateQuery({ query: spec.query, variables: args as V }, (data) => {
    const list = data && spec.connection(data);
    if (list) change(list);
    return data;
  });
}

/** Keys of the lists (all their pages) that already hold the node. */
function listsHolding<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>, id: string): Set<string> {
  const keys = new Set<string>();
  for (const args of cachedPages(cache, spec)) {
    if (read(cache, spec, args)?.edges.some((edge) => edge.node.id === id)) keys.add(listKey(args));
  }
  return keys;
}

/** Puts a new node first in every cached list that `accepts` it (lists ordered newest first). */
export function addToLists<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>, node: N, accepts: (args: Args) => boolean = () => true) {
  const holding = listsHolding(cache, spec, node.id);
  for (const args of cachedPages(cache, spec)) {
    if (!accepts(args) || holding.has(listKey(args))) continue;
    update(cache, spec, args, (list) => {
      list.totalCount += 1;
      if (args.after == null && args.before == null) list.edges = [{ __typename: spec.edgeTypename, cursor: '', node }, ...list.edges];
    });
  }
}

/**
 * Like addToLists for a node that may or may not be new (a live event): lists whose first node is newer leave it
 * out, since an older node sits further down, where only the server knows.
 */
export function addNewToLists<D, V, N extends { id: string; createdAt: string }>(cache: Cache, spec: ListSpec<D, V, N>, node: N, accepts: (args: Args) => boolean) {
  addToLists(cache, spec, node, (args) => {
    if (!accepts(args)) return false;
    const head = read(cache, spec, args)?.edges[0]?.node;
    return !head || head.createdAt <= node.createdAt;
  });
}

/** Takes a node out of every cached list that holds it (or only those `where` says). */
export function removeFromLists<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>, id: string, where: (args: Args) => boolean = () => true) {
  const holding = listsHolding(cache, spec, id);
  for (const args of cachedPages(cache, spec)) {
    if (!where(args) || !holding.has(listKey(args))) continue;
    update(cache, spec, args, (list) => {
      list.edges = list.edges.filter((edge) => edge.node.id !== id);
      list.totalCount = Math.max(0, list.totalCount - 1);
    });
  }
}

/** Changes every cached page of a list in place (e.g. empties the unread-only lists). */
export function editLists<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>, change: (list: Connection<N>, args: Args) => void) {
  for (const args of cachedPages(cache, spec)) update(cache, spec, args, (list) => change(list, args));
}

/** Ids of the nodes held in any cached page of a list. */
export function cachedIds<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>): Set<string> {
  const ids = new Set<string>();
  for (const args of cachedPages(cache, spec)) for (const edge of read(cache, spec, args)?.edges ?? []) ids.add(edge.node.id);
  return ids;
}

/** Marks every cached page of a list (or those `where` picks) stale: each is read again from the server when next shown. */
export function invalidateLists<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>, where: (args: Args) => boolean = () => true) {
  const parent = spec.parent(cache);
  if (!parent) return;
  for (const args of cachedPages(cache, spec)) if (where(args)) cache.invalidate(parent, spec.field, args);
}

/**
 * A node that newly belongs to a filtered list sits where only the server knows (the list's order):
 * such lists are marked stale and read again when next shown.
 */
export function refreshListsMissing<D, V, N extends { id: string }>(cache: Cache, spec: ListSpec<D, V, N>, id: string, where: (args: Args) => boolean) {
  const parent = spec.parent(cache);
  if (!parent) return;
  const holding = listsHolding(cache, spec, id);
  for (const args of cachedPages(cache, spec)) {
    if (where(args) && !holding.has(listKey(args))) cache.invalidate(parent, spec.field, args);
  }
}
