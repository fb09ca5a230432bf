// /datasets: every dataset with its status (live while validating), filtered by status and name, page by page.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import type { DatasetStatus } from '../../gql/graphql';
import { formatBytes, formatCompact, formatInteger } from '../../lib/format';
import { useDebounced, useTitle } from '../../lib/hooks';
import { isDatasetActive } from './fragments';
import { WatchDataset } from './WatchDataset';

const DatasetList = graphql(`
  query DatasetList($first: Int!, $after: String, $filter: DatasetFilter) {
    datasets(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        cursor
        node {
          ...DatasetRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const PAGE_SIZE = 20;
const STATUSES: { value: DatasetStatus | null; label: string }[] = [
  { value: null, label: 'All' },
  { value: 'READY', label: 'Ready' },
  { value: 'VALIDATING', label: 'Validating' },
  { value: 'INVALID', label: 'Invalid' },
  { value: 'UPLOADING', label: 'Uploading' },
];

export function DatasetListPage() {
  useTitle('Datasets');
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as DatasetStatus | null) ?? null;
  const [search, setSearch] = useState(params.get('q') ?? '');
  const settledSearch = useDebounced(search.trim(), 250);
  const [after, setAfter] = useState<{ key: string; cursor: string } | null>(null);

  const filter = { ...(status ? { status: [status] } : {}), ...(settledSearch ? { search: settledSearch } : {}) };
  const filterKey = JSON.stringify(filter);
  const cursor = after?.key === filterKey ? after.cursor : null;
  const [{ data, fetching, error }, reload] = useQuery({ query: DatasetList, variables: { first: PAGE_SIZE, after: cursor, filter } });

  function setFilter(name: 'status' | 'q', value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  const list = data?.datasets;
  const filtered = Boolean(status || settledSearch);

  return (
    <>
      <PageHeader
        title="Datasets"
        subtitle="Chat datasets, validated line by line as soon as they are uploaded."
        actions={
          <Link className="button button-primary" to="/datasets/new">
            Upload dataset
          </Link>
        }
      />
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Filter by status">
          {STATUSES.map((option) => (
            <button
              key={option.label}
              type="button"
              className="segment"
              aria-pressed={status === option.value}
              onClick={() => setFilter('status', option.value)}
            >
              {option.label}
            </button>
          ))}
        </div>
        <label className="search">
          <span className="visually-hidden">Search datasets by name</span>
          <input
            type="search"
            placeholder="Search by name"
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              setFilter('q', event.target.value.trim() || null);
            }}
          />
        </label>
      </div>

      {error && !list ? (
        <ErrorState error={error} retry={() => reload({ requestPolicy: 'network-only' })} />
      ) : !list ? (
        <Loading label="Loading datasets…" />
      ) : list.edges.length === 0 ? (
        filtered ? (
          <EmptyState
            title="No datasets match"
            action={
              <button
                type="button"
                className="button"
                onClick={() => {
                  setSearch('');
                  setParams(new URLSearchParams(), { replace: true });
                }}
              >
                Clear filters
              </button>
            }
          >
            Try another status or a shorter search.
          </EmptyState>
        ) : (
          <EmptyState
            title="No datasets yet"
            action={
              <Link className="button button-primary" to="/datasets/new">
                Upload your first dataset
              </Link>
            }
          >
            Upload a JSONL file of chat examples. It is checked line by line, and every problem is reported with its line number.
          </EmptyState>
        )
      ) : (
        <>
          <div className="table-wrap">
            <table className="table table-cards">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Examples
                  </th>
                  <th scope="col" className="num">
                    Tokens
                  </th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Issues</th>
                  <th scope="col">Uploaded</th>
                </tr>
              </thead>
              <tbody>
                {list.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td data-label="Name">
                      <Link className="row-title" to={`/datasets/${node.id}`}>
                        {node.name}
                      </Link>
                      <div className="muted small">
                        {node.fileName} · {node.baseModel.name}
                      </div>
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={node.status} />
                      {isDatasetActive(node.status) && <WatchDataset id={node.id} />}
                    </td>
                    <td data-label="Examples" className="num">
                      {formatInteger(node.statistics?.examples)}
                    </td>
                    <td data-label="Tokens" className="num">
                      {formatCompact(node.statistics?.totalTokens)}
                    </td>
                    <td data-label="Size" className="num">
                      {formatBytes(node.fileSize)}
                    </td>
                    <td data-label="Issues">
                      <IssueCounts errors={node.errorCount} warnings={node.warningCount} status={node.status} />
                    </td>
                    <td data-label="Uploaded">
                      <Time iso={node.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore
            shown={list.edges.length}
            total={list.totalCount}
            hasMore={list.pageInfo.hasNextPage}
            loading={fetching}
            onMore={() => list.pageInfo.endCursor && setAfter({ key: filterKey, cursor: list.pageInfo.endCursor })}
          />
        </>
      )}
    </>
  );
}

function IssueCounts({ errors, warnings, status }: { errors: number; warnings: number; status: string }) {
  if (status === 'UPLOADING' || status === 'VALIDATING') return <span className="muted">—</span>;
  if (errors === 0 && warnings === 0) return <span className="muted">None</span>;
  return (
    <span className="issue-counts">
      {errors > 0 && <span className="count count-error">{formatInteger(errors)} {errors === 1 ? 'error' : 'errors'}</span>}
      {warnings > 0 && <span className="count count-warning">{formatInteger(warnings)} {warnings === 1 ? 'warning' : 'warnings'}</span>}
    </span>
  );
}
