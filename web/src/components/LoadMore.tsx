// "Showing n of m" with a button for the next page of a connection.
import { formatInteger } from '../lib/format';

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
