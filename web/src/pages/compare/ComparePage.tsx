// /compare?ids=a,b,c: 2–5 runs side by side. Their loss curves overlaid (by step or by tokens trained, with
// the monitor's smoothing, log scale and zoom), and a table of settings and outcomes whose differing
// settings are highlighted.
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useClient } from 'urql';
import { Panel } from '../../components/Card';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { graphql } from '../../gql';
import type { CompareRunQuery } from '../../gql/graphql';
import { formatCompact, formatDuration, formatMoney, formatNumber, formatScientific } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { routeId } from '../../lib/ids';
import { runCurves, useChartView } from '../training/charts/curves';
import { LossChartControls, LossCurveChart } from '../training/charts/LossCurveChart';
import { jobStatusLabel, QUANTIZATION_LABELS } from '../training/fragments';
import { MAX_COMPARED, MIN_COMPARED } from './selection';

const CompareRun = graphql(`
  query CompareRun($id: ID!, $maxPoints: Int!) {
    trainingJob(id: $id) {
      id
      name
      status
      stage
      progress
      cancelRequestedAt
      costCapReachedAt
      errorCode
      presetId
      baseModel {
        id
        name
      }
      dataset {
        id
        name
      }
      gpu {
        type
        count
      }
      hyperparameters {
        ...HyperparameterValues
      }
      currentCost
      finalCost
      startedAt
      completedAt
      latestMetrics {
        step
        trainingLoss
        tokensTrained
      }
      bestValidation {
        step
        validationLoss
      }
      metrics(maxPoints: $maxPoints) {
        ...MetricValues
      }
    }
  }
`);

type Run = NonNullable<CompareRunQuery['trainingJob']>;

/** Points per run: enough for the curve's shape with five runs on one chart. */
const POINTS_PER_RUN = 600;
const RUN_COLORS = ['#4f46e5', '#0ea5e9', '#f59e0b', '#12b76a', '#e11d48'];

interface Row {
  label: string;
  value(run: Run): ReactNode;
  /** What is compared to tell whether runs differ; settings only. */
  key?(run: Run): string | number;
}

const hp = (run: Run) => run.hyperparameters;

const SETTINGS: Row[] = [
  { label: 'Base model', value: (r) => r.baseModel.name, key: (r) => r.baseModel.id },
  { label: 'Dataset', value: (r) => r.dataset.name, key: (r) => r.dataset.id },
  { label: 'Preset', value: (r) => r.presetId, key: (r) => r.presetId },
  { label: 'Epochs', value: (r) => hp(r).epochs, key: (r) => hp(r).epochs },
  { label: 'Learning rate', value: (r) => formatScientific(hp(r).learningRate), key: (r) => hp(r).learningRate },
  { label: 'Batch size', value: (r) => hp(r).batchSize, key: (r) => hp(r).batchSize },
  { label: 'Gradient accumulation', value: (r) => hp(r).gradientAccumulation, key: (r) => hp(r).gradientAccumulation },
  { label: 'LoRA rank', value: (r) => hp(r).loraRank, key: (r) => hp(r).loraRank },
  { label: 'LoRA alpha', value: (r) => hp(r).loraAlpha, key: (r) => hp(r).loraAlpha },
  { label: 'LoRA dropout', value: (r) => hp(r).loraDropout, key: (r) => hp(r).loraDropout },
  { label: 'Max sequence length', value: (r) => hp(r).maxSeqLength, key: (r) => hp(r).maxSeqLength },
  { label: 'Warm-up ratio', value: (r) => hp(r).warmupRatio, key: (r) => hp(r).warmupRatio },
  { label: 'Quantization', value: (r) => QUANTIZATION_LABELS[hp(r).quantization] ?? hp(r).quantization, key: (r) => hp(r).quantization },
  { label: 'GPUs', value: (r) => `${r.gpu.count} × ${r.gpu.type}`, key: (r) => `${r.gpu.count} ${r.gpu.type}` },
];

function durationOf(run: Run): number | null {
  if (!run.startedAt) return null;
  const end = run.completedAt ? Date.parse(run.completedAt) : Date.now();
  return Math.max(0, Math.round((end - Date.parse(run.startedAt)) / 1000));
}

const OUTCOMES: Row[] = [
  { label: 'Status', value: (r) => <StatusBadge status={r.status} label={jobStatusLabel(r)} /> },
  { label: 'Final training loss', value: (r) => formatNumber(r.latestMetrics?.trainingLoss, 3) },
  {
    label: 'Best validation loss',
    value: (r) => (r.bestValidation ? `${formatNumber(r.bestValidation.validationLoss, 3)} at step ${formatCompact(r.bestValidation.step)}` : '—'),
  },
  { label: 'Cost', value: (r) => formatMoney(r.finalCost ?? r.currentCost) },
  { label: 'Duration', value: (r) => formatDuration(durationOf(r)) },
  { label: 'Tokens trained', value: (r) => formatCompact(r.latestMetrics?.tokensTrained) },
];

/** The runs the URL names, loaded together; null entries are missing or someone else's. */
function useRuns(ids: readonly string[]) {
  const client = useClient();
  const key = ids.join(',');
  const [state, setState] = useState<{ key: string; runs?: (Run | null)[]; error?: Error }>({ key });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the ids' content; the array itself is new on every render
  useEffect(() => {
    let live = true;
    Promise.all(ids.map((id) => client.query(CompareRun, { id, maxPoints: POINTS_PER_RUN }).toPromise()))
      .then((results) => {
        const failed = results.find((r) => r.error);
        if (live) setState(failed?.error ? { key, error: failed.error } : { key, runs: results.map((r) => r.data?.trainingJob ?? null) });
      })
      .catch((error: Error) => live && setState({ key, error }));
    return () => {
      live = false;
    };
  }, [client, key]);
  return state.key === key ? state : { key };
}

export function ComparePage() {
  useTitle('Compare runs');
  const [params] = useSearchParams();
  const named = (params.get('ids') ?? '').split(',').filter(Boolean);
  const ids = [...new Set(named.map((param) => routeId('TrainingJob', param)).filter((id): id is string => id !== null))];
  const { runs, error } = useRuns(ids);
  const [view, update] = useChartView();

  const header = <PageHeader title="Compare runs" subtitle="Loss curves overlaid, settings and outcomes side by side; settings that differ are highlighted." />;
  if (ids.length < MIN_COMPARED || ids.length > MAX_COMPARED || ids.length !== named.length) {
    return (
      <>
        {header}
        <EmptyState
          title={`Pick ${MIN_COMPARED} to ${MAX_COMPARED} runs`}
          action={
            <Link className="button" to="/training/jobs">
              Training jobs
            </Link>
          }
        >
          Tick the runs to compare in the training jobs or models list, then choose Compare.
        </EmptyState>
      </>
    );
  }
  if (error)
    return (
      <>
        {header}
        <ErrorState error={error} />
      </>
    );
  if (!runs)
    return (
      <>
        {header}
        <Loading label="Loading the runs…" />
      </>
    );
  const found = runs.filter((r): r is Run => r !== null);
  if (found.length < runs.length) {
    return (
      <>
        {header}
        <EmptyState
          title="A run was not found"
          action={
            <Link className="button" to="/training/jobs">
              Training jobs
            </Link>
          }
        >
          {runs.length - found.length} of the runs named does not exist, or belongs to someone else.
        </EmptyState>
      </>
    );
  }
  const colored = found.map((run, i) => ({ run, color: RUN_COLORS[i % RUN_COLORS.length]! }));
  const curves = colored.map(({ run, color }) => runCurves({ id: run.id, label: run.name, color, points: run.metrics }, view));

  return (
    <>
      {header}
      <Panel title="Loss">
        <LossChartControls view={view} update={update} xAxisToggle />
        <LossCurveChart
          runs={curves}
          view={view}
          onZoom={(zoom) => update({ zoom })}
          height={340}
          label={`Training loss of ${found.length} runs by ${view.xAxis === 'step' ? 'step' : 'tokens trained'}`}
          emptyText={view.xAxis === 'tokens' ? 'These runs reported no tokens trained yet.' : 'These runs have no loss points yet.'}
        />
        <div className="loss-chart-legend">
          {colored.map(({ run, color }) => (
            <span key={run.id}>
              <span className="compare-swatch" style={{ background: color }} aria-hidden="true" />
              {run.name}
            </span>
          ))}
          <span>━ smoothed training loss · ○ validation · ◆ best validation</span>
        </div>
      </Panel>
      <Panel title="Settings and outcomes">
        <div className="table-wrap">
          <table className="table compare-table">
            <thead>
              <tr>
                <th scope="col">Run</th>
                {colored.map(({ run, color }) => (
                  <th scope="col" key={run.id}>
                    <span className="compare-swatch" style={{ background: color }} aria-hidden="true" />
                    <Link to={`/training/jobs/${run.id}`}>{run.name}</Link>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...SETTINGS, ...OUTCOMES].map((row) => {
                const differs = row.key ? new Set(found.map((r) => row.key!(r))).size > 1 : false;
                return (
                  <tr key={row.label} data-differs={differs || undefined}>
                    <th scope="row">
                      {row.label}
                      {differs && <span className="visually-hidden"> (differs)</span>}
                    </th>
                    {found.map((run) => (
                      <td key={run.id} className={differs ? 'compare-cell-differs' : undefined}>
                        {row.value(run)}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Panel>
    </>
  );
}
