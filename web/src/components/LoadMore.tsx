// "Showing n of m" with a button for the next page of a connection, and a paged list's states around its rows.
import type { ReactNode } from 'react';
import { formatInteger } from '../lib/format';
import type { Paged } from '../lib/paging';
import { QueryStates } from './States';

export function LoadMore({ shown, total, hasMore, loading, onMore }: { shown: number; total: number; hasMore: boolean; loading: boolean; onMore(): void }) {
  return (
    <div className="load-more">
      <span className="muted">
        Showing {formatInteger(shown)} of {formatInteger(total)}
      </span>
      {hasMore && (
        <button type="button" className="button" onClick={onMore} disabled={loading}>
          {loading ? 'Loading…' : 'Show more'}
        </button>
      )}
    </div>
  );
}

/** A list from usePagedConnection: loading, error with retry, `empty` when it has no rows, else its rows and "Show more". */
export function PagedList<Node>({
  paged,
  loading,
  empty,
  quietError,
  children,
}: {
  paged: Paged<Node>;
  loading?: string;
  empty: ReactNode;
  quietError?: boolean;
  children: (nodes: Node[]) => ReactNode;
}) {
  return (
    <QueryStates data={paged.list} error={paged.error} retry={paged.retry} loading={loading} quietError={quietError} isEmpty={(list) => list.edges.length === 0} empty={empty}>
      {(list) => (
        <>
          {children(list.edges.map((edge) => edge.node))}
          <LoadMore shown={list.edges.length} total={list.totalCount} hasMore={list.pageInfo.hasNextPage} loading={paged.fetching} onMore={paged.more} />
        </>
      )}
    </QueryStates>
  );
}
