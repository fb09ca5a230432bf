// /models: the adapters training produced, with their status, rating and size, filtered by status.
import { useSearchParams } from 'react-router';
import { PagedList } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { Segmented } from '../../components/Segmented';
import { Stars } from '../../components/Stars';
import { EmptyState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { RowTitle, Table, type Column } from '../../components/Table';
import { Time } from '../../components/Time';
import type { ModelListRowFragment, ModelOrder, ModelStatus } from '../../gql/graphql';
import { formatBytes, formatNumber } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { usePagedConnection } from '../../lib/paging';
import { ModelListQuery, QUALITY_WARNING_LABELS } from './fragments';
import { CompareButton, CompareCheckbox, useCompareSelection } from '../compare/selection';

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
  const paged = usePagedConnection(ModelListQuery, { status: status ? [status] : null, orderBy }, (data) => data.models);
  const selection = useCompareSelection();
  const columns: Column<ModelListRowFragment>[] = [
    { label: 'Compare', hideLabel: true, cell: (node) => <CompareCheckbox selection={selection} jobId={node.job.id} name={node.name} /> },
    {
      label: 'Model',
      cell: (node) => <RowTitle to={`/models/${node.id}`} name={node.name} detail={`${node.baseModel.name} · ${node.dataset.name}`} />,
    },
    { label: 'Status', cell: (node) => <StatusBadge status={node.status} label={node.status === 'STORED' ? 'Ready' : undefined} /> },
    {
      label: 'Quality',
      cell: (node) => (
        <>
          <Stars rating={node.quality?.rating} />
          {node.quality?.warnings.map((w) => (
            <div key={w.code} className="muted small" title={w.message}>
              ⚠ {QUALITY_WARNING_LABELS[w.code] ?? w.code}
            </div>
          ))}
        </>
      ),
    },
    { label: 'Final loss', className: 'num', cell: (node) => formatNumber(node.quality?.finalTrainingLoss, 3) },
    { label: 'Best val. loss', className: 'num', cell: (node) => formatNumber(node.quality?.bestValidationLoss, 3) },
    { label: 'Size', className: 'num', cell: (node) => (node.status === 'STORED' ? formatBytes(node.totalSize) : '—') },
    { label: 'Created', cell: (node) => <Time iso={node.createdAt} /> },
  ];
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
        <Segmented label="Filter by status" options={FILTERS} value={status} onChange={(value) => setParam('status', value)} />
        <label className="loss-chart-control">
          Sort by
          <select value={orderBy} onChange={(e) => setParam('sort', e.target.value === 'BEST_VALIDATION_LOSS' ? 'loss' : null)}>
            <option value="NEWEST">Newest first</option>
            <option value="BEST_VALIDATION_LOSS">Best validation loss</option>
          </select>
        </label>
        <CompareButton selection={selection} />
      </div>
      <PagedList
        paged={paged}
        loading="Loading models…"
        empty={
          <EmptyState title={status ? 'No models match' : 'No models yet'} link={{ to: '/training/configure', label: 'Train a model', primary: true }}>
            Every completed training job stores its adapter here, with its files, quality and lineage.
          </EmptyState>
        }
      >
        {(models) => <Table columns={columns} rows={models} />}
      </PagedList>
    </>
  );
}
