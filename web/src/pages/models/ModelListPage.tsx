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
import type { ModelOrder, ModelStatus } from '../../gql/graphql';
import { formatBytes, formatNumber } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { QUALITY_WARNING_LABELS } from './fragments';
import { CompareButton, CompareCheckbox, useCompareSelection } from '../compare/selection';

const ModelList = graphql(`
  query ModelList($first: Int!, $after: String, $status: [ModelStatus!], $orderBy: ModelOrder) {
    models(first: $first, after: $after, status: $status, orderBy: $orderBy) {
      totalCount
      edges {
        cursor
        node {
          ...ModelRow
          quality {
            bestValidationLoss
            finalTrainingLoss
            warnings {
              code
              message
            }
          }
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
  const orderBy: ModelOrder = params.get('sort') === 'loss' ? 'BEST_VALIDATION_LOSS' : 'NEWEST';
  const listKey = `${status} ${orderBy}`;
  const [after, setAfter] = useState<{ key: string; cursor: string } | null>(null);
  const [{ data, error, fetching }, reload] = useQuery({
    query: ModelList,
    variables: { first: PAGE_SIZE, after: after?.key === listKey ? after.cursor : null, status: status ? [status] : null, orderBy },
  });
  const list = data?.models;
  const selection = useCompareSelection();
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

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
              onClick={() => setParam('status', f.value)}
            >
              {f.label}
            </button>
          ))}
        </div>
        <label className="loss-chart-control">
          Sort by
          <select value={orderBy} onChange={(e) => setParam('sort', e.target.value === 'BEST_VALIDATION_LOSS' ? 'loss' : null)}>
            <option value="NEWEST">Newest first</option>
            <option value="BEST_VALIDATION_LOSS">Best validation loss</option>
          </select>
        </label>
        <CompareButton selection={selection} />
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
                  <th scope="col">
                    <span className="visually-hidden">Compare</span>
                  </th>
                  <th scope="col">Model</th>
                  <th scope="col">Status</th>
                  <th scope="col">Quality</th>
                  <th scope="col" className="num">
                    Final loss
                  </th>
                  <th scope="col" className="num">
                    Best val. loss
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
                    <td data-label="Compare">
                      <CompareCheckbox selection={selection} jobId={node.job.id} name={node.name} />
                    </td>
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
                      {node.quality?.warnings.map((w) => (
                        <div key={w.code} className="muted small" title={w.message}>
                          ⚠ {QUALITY_WARNING_LABELS[w.code] ?? w.code}
                        </div>
                      ))}
                    </td>
                    <td data-label="Final loss" className="num">
                      {formatNumber(node.quality?.finalTrainingLoss, 3)}
                    </td>
                    <td data-label="Best val. loss" className="num">
                      {formatNumber(node.quality?.bestValidationLoss, 3)}
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
            onMore={() => list.pageInfo.endCursor && setAfter({ key: listKey, cursor: list.pageInfo.endCursor })}
          />
        </>
      )}
    </>
  );
}
