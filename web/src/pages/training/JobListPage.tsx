// /training/jobs: every training job with live status, progress and cost, filtered by status.
import { Link, useSearchParams } from 'react-router';
import { PagedList } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { Segmented } from '../../components/Segmented';
import { EmptyState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { RowTitle, Table, type Column } from '../../components/Table';
import { Time } from '../../components/Time';
import type { JobListRowFragment, TrainingJobFilter, TrainingJobStatus } from '../../gql/graphql';
import { formatMoney, formatNumber } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { usePagedConnection } from '../../lib/paging';
import { ACTIVE_JOB_STATUSES, gpuLabel, isJobActive, JobListQuery, jobStatusLabel, progressLabel } from './fragments';
import { CompareButton, CompareCheckbox, useCompareSelection } from '../compare/selection';
import { WatchJob } from './WatchJob';

const FILTERS: { value: string | null; label: string; statuses?: TrainingJobStatus[] }[] = [
  { value: null, label: 'All' },
  { value: 'active', label: 'Active', statuses: [...ACTIVE_JOB_STATUSES] },
  { value: 'completed', label: 'Completed', statuses: ['COMPLETED'] },
  { value: 'failed', label: 'Failed', statuses: ['FAILED'] },
  { value: 'cancelled', label: 'Cancelled', statuses: ['CANCELLED'] },
];

export function JobListPage() {
  useTitle('Training jobs');
  const [params, setParams] = useSearchParams();
  const chosen = FILTERS.find((f) => f.value === params.get('status')) ?? FILTERS[0]!;
  const datasetId = params.get('datasetId');
  const filter: TrainingJobFilter = { ...(chosen.statuses ? { status: chosen.statuses } : {}), ...(datasetId ? { datasetId } : {}) };
  const paged = usePagedConnection(JobListQuery, { filter }, (data) => data.trainingJobs);
  const selection = useCompareSelection();
  const columns: Column<JobListRowFragment>[] = [
    { label: 'Compare', hideLabel: true, cell: (node) => <CompareCheckbox selection={selection} jobId={node.id} name={node.name} /> },
    {
      label: 'Job',
      cell: (node) => <RowTitle to={`/training/jobs/${node.id}`} name={node.name} detail={`${node.dataset.name} · ${node.baseModel.name}`} />,
    },
    {
      label: 'Status',
      cell: (node) => (
        <>
          <StatusBadge status={node.status} label={jobStatusLabel(node)} />
          {isJobActive(node.status) && <WatchJob id={node.id} />}
        </>
      ),
    },
    { label: 'Progress', className: 'progress-column', cell: (node) => <ProgressBar value={node.progress / 100} label={progressLabel(node)} /> },
    { label: 'Final loss', className: 'num', cell: (node) => formatNumber(node.latestMetrics?.trainingLoss, 3) },
    { label: 'Best val. loss', className: 'num', cell: (node) => formatNumber(node.bestValidation?.validationLoss, 3) },
    {
      label: 'Cost',
      className: 'num',
      cell: (node) => (
        <>
          {formatMoney(node.finalCost ?? node.currentCost)}
          <div className="muted small">est. {formatMoney(node.estimatedCost)}</div>
        </>
      ),
    },
    { label: 'GPUs', cell: gpuLabel },
    { label: 'Started', cell: (node) => <Time iso={node.createdAt} /> },
  ];

  function show(value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set('status', value);
    else next.delete('status');
    setParams(next, { replace: true });
  }

  return (
    <>
      <PageHeader
        title="Training jobs"
        subtitle="Every run, live: status, progress and what it has cost so far."
        actions={
          <Link className="button button-primary" to="/training/configure">
            New training job
          </Link>
        }
      />
      <div className="toolbar">
        <Segmented label="Filter by status" options={FILTERS} value={chosen.value} onChange={show} />
        {datasetId && (
          <button
            type="button"
            className="chip"
            aria-pressed="true"
            onClick={() => {
              const next = new URLSearchParams(params);
              next.delete('datasetId');
              setParams(next, { replace: true });
            }}
          >
            One dataset only ×
          </button>
        )}
        <CompareButton selection={selection} />
      </div>

      <PagedList
        paged={paged}
        loading="Loading training jobs…"
        empty={
          chosen.value || datasetId ? (
            <EmptyState
              title="No jobs match"
              action={
                <button type="button" className="button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
                  Show all jobs
                </button>
              }
            >
              No training job has this status yet.
            </EmptyState>
          ) : (
            <EmptyState title="No training jobs yet" link={{ to: '/training/configure', label: 'Configure your first run', primary: true }}>
              Pick a ready dataset and a preset; the estimate tells you what it will cost before you start.
            </EmptyState>
          )
        }
      >
        {(jobs) => <Table columns={columns} rows={jobs} />}
      </PagedList>
    </>
  );
}
