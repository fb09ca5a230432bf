// /training/jobs: every training job with live status, progress and cost, filtered by status.
import { Link, useSearchParams } from 'react-router';
import { PagedList } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { Segmented } from '../../components/Segmented';
import { EmptyState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import type { TrainingJobFilter, TrainingJobStatus } from '../../gql/graphql';
import { formatMoney, formatNumber } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { usePagedConnection } from '../../lib/paging';
import { ACTIVE_JOB_STATUSES, isJobActive, JobListQuery, jobStatusLabel, progressLabel } from './fragments';
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
            <EmptyState title="No jobs match" action={<button type="button" className="button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>Show all jobs</button>}>
              No training job has this status yet.
            </EmptyState>
          ) : (
            <EmptyState
              title="No training jobs yet"
              action={
                <Link className="button button-primary" to="/training/configure">
                  Configure your first run
                </Link>
              }
            >
              Pick a ready dataset and a preset; the estimate tells you what it will cost before you start.
            </EmptyState>
          )
        }
      >
        {(jobs) => (
          <div className="table-wrap">
            <table className="table table-cards">
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Compare</span>
                  </th>
                  <th scope="col">Job</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="progress-column">
                    Progress
                  </th>
                  <th scope="col" className="num">
                    Final loss
                  </th>
                  <th scope="col" className="num">
                    Best val. loss
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                  <th scope="col">GPUs</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((node) => (
                  <tr key={node.id}>
                    <td data-label="Compare">
                      <CompareCheckbox selection={selection} jobId={node.id} name={node.name} />
                    </td>
                    <td data-label="Job">
                      <Link className="row-title" to={`/training/jobs/${node.id}`}>
                        {node.name}
                      </Link>
                      <div className="muted small">
                        {node.dataset.name} · {node.baseModel.name}
                      </div>
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={node.status} label={jobStatusLabel(node)} />
                      {isJobActive(node.status) && <WatchJob id={node.id} />}
                    </td>
                    <td data-label="Progress" className="progress-column">
                      <ProgressBar
                        value={node.progress / 100}
                        label={progressLabel(node)}
                      />
                    </td>
                    <td data-label="Final loss" className="num">
                      {formatNumber(node.latestMetrics?.trainingLoss, 3)}
                    </td>
                    <td data-label="Best val. loss" className="num">
                      {formatNumber(node.bestValidation?.validationLoss, 3)}
                    </td>
                    <td data-label="Cost" className="num">
                      {formatMoney(node.finalCost ?? node.currentCost)}
                      <div className="muted small">est. {formatMoney(node.estimatedCost)}</div>
                    </td>
                    <td data-label="GPUs">
                      {node.gpu.count} × {node.gpu.type}
                    </td>
                    <td data-label="Started">
                      <Time iso={node.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
    </>
  );
}
