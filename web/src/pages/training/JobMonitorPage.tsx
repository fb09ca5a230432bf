// /training/jobs/:id, the live monitor: progress, stage, ETA, cost against estimate and cap, metric cards,
// loss and learning-rate curves growing from trainingMetrics, configuration, timeline, cancel. All pushed
// over the WebSocket: nothing here polls.
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Facts, Panel, StatCard, StatGrid } from '../../components/Card';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PageHeader } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { Alert, EmptyState, ErrorState, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { graphql } from '../../gql';
import type { JobDetailFragment } from '../../gql/graphql';
import { formatCompact, formatCount, formatDuration, formatInteger, formatMoney, formatNumber, formatPercent, formatScientific } from '../../lib/format';
import { useNow, useTitle } from '../../lib/hooks';
import { routeId } from '../../lib/ids';
import { outcome } from '../../lib/outcome';
import { trainAgainLink } from './fragments';
import { CostMeter } from './CostMeter';
import { EstimateSummary } from './EstimatePanel';
import { isJobActive, isJobSettled, jobStatusLabel, progressLabel, QUANTIZATION_LABELS } from './fragments';
import { LearningRateChart, LossChart } from './MetricCharts';
import { useMetricSeries, type MetricPoint } from './metrics';
import { Timeline } from './Timeline';

graphql(`
  fragment JobDetail on TrainingJob {
    ...JobRow
    currentEpoch
    totalEpochs
    queuedAt
    startedAt
    completedAt
    updatedAt
    costCapReachedAt
    errorCode
    errorMessage
    provider
    externalJobId
    hyperparameters {
      ...HyperparameterValues
    }
    estimate {
      ...EstimateDetails
    }
    latestMetrics {
      ...MetricValues
    }
    artifact {
      id
      name
      status
    }
    events {
      createdAt
      type
      message
      stage
      toStatus
    }
  }
`);

const JobMonitor = graphql(`
  query JobMonitor($id: ID!) {
    trainingJob(id: $id) {
      ...JobDetail
    }
  }
`);

// What changes on every tick of a running job, and the markers of its steps (status, stage, cancel, artifact).
// The rest of JobDetail (configuration, estimate, timeline, times, errors, final cost) comes with the page query,
// read again each time a marker moves on: once per step, not on every tick.
graphql(`
  fragment JobLive on TrainingJob {
    id
    status
    stage
    progress
    currentStep
    currentEpoch
    currentCost
    etaSeconds
    updatedAt
    cancelRequestedAt
    latestMetrics {
      ...MetricValues
    }
    artifact {
      id
      name
      status
    }
  }
`);

const JobLiveUpdated = graphql(`
  subscription JobLiveUpdated($id: ID!) {
    trainingJobUpdated(id: $id) {
      ...JobLive
    }
  }
`);

const CancelTrainingJob = graphql(`
  mutation CancelTrainingJob($id: ID!) {
    cancelTrainingJob(id: $id) {
      __typename
      ... on TrainingJobPayload {
        trainingJob {
          id
          cancelRequestedAt
        }
      }
      ...ActionFailure
    }
  }
`);

export function JobMonitorPage() {
  const id = routeId('TrainingJob', useParams().id);
  const [{ data, error, fetching }, reload] = useQuery({ query: JobMonitor, variables: { id: id ?? '' }, pause: !id });
  const job = data?.trainingJob;
  const active = job ? isJobActive(job.status) : false;
  useTitle(job ? `${job.name} (${Math.floor(job.progress)}%)` : 'Training job');
  // Not only while it runs: the server tells this subscription when the adapter is stored (or failed).
  useSubscription({ query: JobLiveUpdated, variables: { id: id ?? '' }, pause: !job || isJobSettled(job) });
  // The timeline gains an event at each of these, and times, errors or the final cost may change: the page query is
  // read again (over the socket), once per step rather than on every tick.
  const step = job ? [job.status, job.stage, job.cancelRequestedAt, job.artifact?.status].join(' ') : null;
  const seen = useRef(step);
  useEffect(() => {
    if (step === null || seen.current === step) return;
    const first = seen.current === null;
    seen.current = step;
    if (!first) reload({ requestPolicy: 'network-only', overSocket: true });
  }, [step, reload]);
  const metrics = useMetricSeries(id, active);

  if (!job || !id) {
    if (id && error) return <ErrorState error={error} retry={() => reload({ requestPolicy: 'network-only' })} />;
    if (id && (fetching || data === undefined)) return <Loading label="Loading training job…" />;
    return (
      <EmptyState heading={1} title="Training job not found" link={{ to: '/training/jobs', label: 'All training jobs' }}>
        It does not exist, or it belongs to someone else.
      </EmptyState>
    );
  }
  return <Monitor job={job} points={metrics.points} metricsLoading={metrics.loading} />;
}

function Monitor({ job, points, metricsLoading }: { job: JobDetailFragment; points: MetricPoint[]; metricsLoading: boolean }) {
  const active = isJobActive(job.status);
  const now = useNow(1000, active);
  const [confirming, setConfirming] = useState(false);
  const [cancelling, cancelJob] = useMutation(CancelTrainingJob);
  const [cancelError, setCancelError] = useState<string | null>(null);

  async function cancel() {
    setConfirming(false);
    setCancelError(null);
    const result = await cancelJob({ id: job.id });
    const { failure } = outcome(result.data?.cancelTrainingJob, 'TrainingJobPayload', result.error, 'The job could not be cancelled.');
    if (failure) setCancelError(failure);
  }

  const latest = points[points.length - 1] ?? job.latestMetrics;
  const latestValidation = [...points].reverse().find((p) => p.validationLoss != null)?.validationLoss ?? job.latestMetrics?.validationLoss;
  const firstLoss = points.find((p) => p.trainingLoss != null)?.trainingLoss;
  // The ETA was true at updatedAt: count it down between updates.
  const eta = job.etaSeconds != null && active ? Math.max(0, job.etaSeconds - (now - new Date(job.updatedAt).getTime()) / 1000) : null;
  const elapsed = job.startedAt ? ((job.completedAt ? new Date(job.completedAt).getTime() : now) - new Date(job.startedAt).getTime()) / 1000 : null;
  const h = job.hyperparameters;

  return (
    <>
      <PageHeader
        back={{ to: '/training/jobs', label: 'Training jobs' }}
        title={
          <>
            {job.name} <StatusBadge status={job.status} label={jobStatusLabel(job)} />
          </>
        }
        subtitle={
          <>
            <Link to={`/datasets/${job.dataset.id}`}>{job.dataset.name}</Link> · {job.baseModel.name} · {job.gpu.count} × {job.gpu.type}
          </>
        }
        actions={
          <>
            {job.artifact && (
              <Link className="button button-primary" to={`/models/${job.artifact.id}`}>
                View model
              </Link>
            )}
            <Link className="button" to={trainAgainLink(job.id)}>
              Train again
            </Link>
            {active && (
              <button type="button" className="button button-ghost-danger" onClick={() => setConfirming(true)} disabled={Boolean(job.cancelRequestedAt) || cancelling.fetching}>
                {job.cancelRequestedAt ? 'Cancelling…' : 'Cancel job'}
              </button>
            )}
          </>
        }
      />
      {cancelError && <Alert title="Not cancelled">{cancelError}</Alert>}
      {job.cancelRequestedAt && active && (
        <Alert tone="warning" title="Cancel requested">
          The GPU provider is being told to stop. Compute is charged until it confirms.
        </Alert>
      )}
      {job.costCapReachedAt && (
        <Alert tone="warning" title="Cost cap reached">
          The job reached its cap of {formatMoney(job.maxCost)} and was stopped.
        </Alert>
      )}
      {job.errorCode === 'BUDGET_REACHED' && (
        <Alert tone="warning" title="Monthly budget reached">
          {job.errorMessage} <Link to="/costs">See the budget</Link>.
        </Alert>
      )}
      {job.status === 'FAILED' && <Alert title={`Failed${job.errorCode ? ` (${job.errorCode})` : ''}`}>{job.errorMessage ?? 'The job failed.'}</Alert>}
      {job.status === 'COMPLETED' && (
        <Alert tone="success" title="Training complete">
          {job.artifact?.status === 'STORED' ? (
            <>
              The adapter is stored: <Link to={`/models/${job.artifact.id}`}>{job.artifact.name}</Link>.
            </>
          ) : job.artifact?.status === 'FAILED' ? (
            'The adapter files could not be stored.'
          ) : (
            'The adapter is being stored; it appears under Models when it is ready.'
          )}
        </Alert>
      )}

      <div className="two-columns columns-even">
        <Panel title="Progress">
          <ProgressBar value={job.progress / 100} label={progressLabel(job)} detail={`${formatNumber(job.progress, 1)}%`} />
          <Facts
            items={[
              ['Step', `${formatInteger(job.currentStep)} of ${formatInteger(job.totalSteps)}`],
              ['Epoch', `${formatNumber(job.currentEpoch, 2)} of ${job.totalEpochs}`],
              ['Elapsed', elapsed == null ? 'not started' : formatDuration(elapsed)],
              ['Time left', active ? (eta == null ? 'estimating…' : `about ${formatDuration(eta)}`) : '—'],
            ]}
          />
        </Panel>
        <Panel title="Cost">
          <CostMeter current={job.currentCost} estimate={job.estimatedCost} cap={job.maxCost} final={job.finalCost} />
        </Panel>
      </div>

      <StatGrid>
        <StatCard
          label="Training loss"
          value={formatNumber(latest?.trainingLoss, 4)}
          hint={firstLoss != null && latest?.trainingLoss != null ? `from ${formatNumber(firstLoss, 3)} at the start` : undefined}
        />
        <StatCard label="Validation loss" value={formatNumber(latestValidation, 4)} />
        <StatCard label="Learning rate" value={formatScientific(latest?.learningRate)} />
        <StatCard label="Gradient norm" value={formatNumber(latest?.gradNorm, 3)} />
        <StatCard label="Throughput" value={latest?.throughput != null ? formatCompact(latest.throughput) : '—'} hint="tokens per second" />
        <StatCard label="GPU utilisation" value={formatPercent(latest?.gpuUtilization)} />
        <StatCard label="Tokens trained" value={formatCompact(latest?.tokensTrained)} />
      </StatGrid>

      <Panel title="Loss" actions={<span className="muted small">{formatCount(points.length, 'point')}</span>}>
        {metricsLoading ? <Loading label="Loading the curve…" /> : <LossChart points={points} />}
      </Panel>
      <div className="two-columns">
        <Panel title="Learning rate">{metricsLoading ? <Loading /> : <LearningRateChart points={points} />}</Panel>
        <Panel title="Activity">
          <Timeline events={job.events} />
        </Panel>
      </div>

      <div className="two-columns columns-even">
        <Panel title="Configuration">
          <Facts
            items={[
              ['Preset', job.presetId],
              ['Epochs', String(h.epochs)],
              ['Learning rate', formatScientific(h.learningRate)],
              ['Batch size', `${h.batchSize}${h.gradientAccumulation > 1 ? ` × ${h.gradientAccumulation} accumulation` : ''}`],
              ['LoRA', `rank ${h.loraRank} · alpha ${h.loraAlpha} · dropout ${h.loraDropout}`],
              ['Max sequence', `${formatInteger(h.maxSeqLength)} tokens`],
              ['Warm-up', formatPercent(h.warmupRatio, 1)],
              ['Quantization', QUANTIZATION_LABELS[h.quantization] ?? h.quantization],
              ['GPUs', `${job.gpu.count} × ${job.gpu.type}`],
              ['Provider', `${job.provider}${job.externalJobId ? ` · ${job.externalJobId}` : ''}`],
            ]}
          />
        </Panel>
        <Panel title="Estimate at start">
          <EstimateSummary estimate={job.estimate} />
        </Panel>
      </div>

      <ConfirmDialog
        open={confirming}
        title="Cancel this training job?"
        confirmLabel="Cancel job"
        busy={cancelling.fetching}
        onConfirm={cancel}
        onClose={() => setConfirming(false)}
      >
        Training stops and no adapter is made. Compute is charged until the GPU provider confirms the stop ({formatMoney(job.currentCost)} so far).
      </ConfirmDialog>
    </>
  );
}
