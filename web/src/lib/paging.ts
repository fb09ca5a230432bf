// One paged list: a Relay connection read page by page ("Show more"), starting over when its filter changes.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useState } from 'react';
import { stringifyVariables, useQuery, type CombinedError, type UseQueryArgs } from 'urql';

export interface PagedConnection<Node> {
  totalCount: number;
  edges: readonly { node: Node }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

export interface Paged<Node> {
  /** The connection once read (every page loaded so far, merged by relayPagination). */
  list: PagedConnection<Node> | null;
  fetching: boolean;
  error: CombinedError | undefined;
  /** Reads the list again from the server (the error state's "Try again"). */
  retry(): void;
  /** Asks for the page after the last one shown. */
  more(): void;
}

type PageVariables = { first: number; after?: string | null };

/**
 * Runs `query` with `variables` plus `first`/`after`. The cursor belongs to the filter it was read under, so a new
 * filter starts again at its first page.
 */
export function usePagedConnection<Data, Vars extends PageVariables, Node>(
  query: TypedDocumentNode<Data, Vars>,
  variables: Omit<Vars, keyof PageVariables>,
  connection: (data: Data) => PagedConnection<Node> | null | undefined,
  pageSize = 20,
): Paged<Node> & { data: Data | undefined } {
  const key = stringifyVariables(variables);
  const [after, setAfter] = useState<{ key: string; cursor: string } | null>(null);
  const pageVariables = { ...variables, first: pageSize, after: after?.key === key ? after.cursor : null } as Vars;
  const [{ data, fetching, error }, reload] = useQuery({ query, variables: pageVariables } as UseQueryArgs<Vars, Data>);
  const list = (data && connection(data)) ?? null;
  return {
    data,
    list,
    fetching,
    error,
    retry: () => reload({ requestPolicy: 'network-only' }),
    more() {
      const cursor = list?.pageInfo.endCursor;
      if (cursor) setAfter({ key, cursor });
    },
  };
}
