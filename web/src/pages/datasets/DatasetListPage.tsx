// /datasets: every dataset with its status (live while validating), filtered by status and name, page by page.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PagedList } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { Segmented } from '../../components/Segmented';
import { EmptyState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { RowTitle, Table, type Column } from '../../components/Table';
import { Time } from '../../components/Time';
import type { DatasetRowFragment, DatasetStatus } from '../../gql/graphql';
import { formatBytes, formatCompact, formatInteger } from '../../lib/format';
import { useDebounced, useTitle } from '../../lib/hooks';
import { usePagedConnection } from '../../lib/paging';
import { DatasetListQuery, isDatasetActive } from './fragments';
import { WatchDataset } from './WatchDataset';

const STATUSES: { value: DatasetStatus | null; label: string }[] = [
  { value: null, label: 'All' },
  { value: 'READY', label: 'Ready' },
  { value: 'VALIDATING', label: 'Validating' },
  { value: 'INVALID', label: 'Invalid' },
  { value: 'UPLOADING', label: 'Uploading' },
];

const COLUMNS: Column<DatasetRowFragment>[] = [
  {
    label: 'Name',
    cell: (node) => <RowTitle to={`/datasets/${node.id}`} name={node.name} detail={`${node.fileName} · ${node.baseModel.name}`} />,
  },
  {
    label: 'Status',
    cell: (node) => (
      <>
        <StatusBadge status={node.status} />
        {isDatasetActive(node.status) && <WatchDataset id={node.id} />}
      </>
    ),
  },
  { label: 'Examples', className: 'num', cell: (node) => formatInteger(node.statistics?.examples) },
  { label: 'Tokens', className: 'num', cell: (node) => formatCompact(node.statistics?.totalTokens) },
  { label: 'Size', className: 'num', cell: (node) => formatBytes(node.fileSize) },
  { label: 'Issues', cell: (node) => <IssueCounts errors={node.errorCount} warnings={node.warningCount} status={node.status} /> },
  { label: 'Uploaded', cell: (node) => <Time iso={node.createdAt} /> },
];

export function DatasetListPage() {
  useTitle('Datasets');
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as DatasetStatus | null) ?? null;
  const [search, setSearch] = useState(params.get('q') ?? '');
  const settledSearch = useDebounced(search.trim(), 250);
  const filter = { ...(status ? { status: [status] } : {}), ...(settledSearch ? { search: settledSearch } : {}) };
  const paged = usePagedConnection(DatasetListQuery, { filter }, (data) => data.datasets);

  function setFilter(name: 'status' | 'q', value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

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
        <Segmented label="Filter by status" options={STATUSES} value={status} onChange={(value) => setFilter('status', value)} />
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

      <PagedList
        paged={paged}
        loading="Loading datasets…"
        empty={
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
            <EmptyState title="No datasets yet" link={{ to: '/datasets/new', label: 'Upload your first dataset', primary: true }}>
              Upload a JSONL file of chat examples. It is checked line by line, and every problem is reported with its line number.
            </EmptyState>
          )
        }
      >
        {(datasets) => <Table columns={COLUMNS} rows={datasets} />}
      </PagedList>
    </>
  );
}

function IssueCounts({ errors, warnings, status }: { errors: number; warnings: number; status: string }) {
  if (status === 'UPLOADING' || status === 'VALIDATING') return <span className="muted">—</span>;
  if (errors === 0 && warnings === 0) return <span className="muted">None</span>;
  return (
    <span className="issue-counts">
      {errors > 0 && (
        <span className="count count-error">
          {formatInteger(errors)} {errors === 1 ? 'error' : 'errors'}
        </span>
      )}
      {warnings > 0 && (
        <span className="count count-warning">
          {formatInteger(warnings)} {warnings === 1 ? 'warning' : 'warnings'}
        </span>
      )}
    </span>
  );
}
