// /models: the adapters training produced, with their status, rating and size, filtered by status.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { Stars } from '../../components/Stars';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import type { ModelStatus } from '../../gql/graphql';
import { formatBytes, formatNumber } from '../../lib/format';
import { useTitle } from '../../lib/hooks';

const ModelList = graphql(`
  query ModelList($first: Int!, $after: String, $status: [ModelStatus!]) {
    models(first: $first, after: $after, status: $status) {
      totalCount
      edges {
        cursor
        node {
          ...ModelRow
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
const FILTERS: { value: ModelStatus | null; label: string }[] = [
  { value: null, label: 'All' },
  { value: 'STORED', label: 'Ready' },
  { value: 'PENDING', label: 'Being stored' },
  { value: 'FAILED', label: 'Failed' },
];

export function ModelListPage() {
  useTitle('Models');
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as ModelStatus | null) ?? null;
  const [after, setAfter] = useState<{ status: string | null; cursor: string } | null>(null);
  const [{ data, error, fetching }, reload] = useQuery({
    query: ModelList,
    variables: { first: PAGE_SIZE, after: after?.status === status ? after.cursor : null, status: status ? [status] : null },
  });
  const list = data?.models;

  return (
    <>
      <PageHeader title="Models" subtitle="The LoRA adapters your training jobs produced, ready to download." />
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Filter by status">
          {FILTERS.map((f) => (
            <button
              key={f.label}
              type="button"
              className="segment"
              aria-pressed={status === f.value}
              onClick={() => setParams(f.value ? { status: f.value } : {}, { replace: true })}
            >
              {f.label}
            </button>
          ))}
        </div>
      </div>
      {error && !list ? (
        <ErrorState error={error} retry={() => reload({ requestPolicy: 'network-only' })} />
      ) : !list ? (
        <Loading label="Loading models…" />
      ) : list.edges.length === 0 ? (
        <EmptyState
          title={status ? 'No models match' : 'No models yet'}
          action={
            <Link className="button button-primary" to="/training/configure">
              Train a model
            </Link>
          }
        >
          Every completed training job stores its adapter here, with its files, quality and lineage.
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table table-cards">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Status</th>
                  <th scope="col">Quality</th>
                  <th scope="col" className="num">
                    Validation loss
                  </th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td data-label="Model">
                      <Link className="row-title" to={`/models/${node.id}`}>
                        {node.name}
                      </Link>
                      <div className="muted small">
                        {node.baseModel.name} · {node.dataset.name}
                      </div>
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={node.status} label={node.status === 'STORED' ? 'Ready' : undefined} />
                    </td>
                    <td data-label="Quality">
                      <Stars rating={node.quality?.rating} />
                    </td>
                    <td data-label="Validation loss" className="num">
                      {formatNumber(node.quality?.finalValidationLoss, 3)}
                    </td>
                    <td data-label="Size" className="num">
                      {node.status === 'STORED' ? formatBytes(node.totalSize) : '—'}
                    </td>
                    <td data-label="Created">
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
            onMore={() => list.pageInfo.endCursor && setAfter({ status, cursor: list.pageInfo.endCursor })}
          />
        </>
      )}
    </>
  );
}
