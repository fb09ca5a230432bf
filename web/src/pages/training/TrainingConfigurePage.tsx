// /training/configure?datasetId= or ?from=<job id> ("Train again": that job's settings filled in): a preset,
// hyperparameters within their bounds, base model, GPUs and an optional cost cap, with a cost estimate that
// follows every keystroke (the last one stays until the next, and hides while a field is invalid). On a phone a
// compact summary of it sticks to the bottom of the screen.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Panel } from '../../components/Card';
import { Field, problemsByPath } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { Alert, EmptyState, ErrorState, Loading } from '../../components/States';
import { graphql } from '../../gql';
import type { EstimateTrainingCostInput, HyperparametersInput, Quantization } from '../../gql/graphql';
import { formatCompact, formatDuration, formatInteger, formatMoney, formatNumber, formatScientific } from '../../lib/format';
import { useDebounced, useTitle } from '../../lib/hooks';
import { randomId, routeId } from '../../lib/ids';
import { failureMessage } from '../../lib/outcome';
import { BudgetLeft } from './BudgetLeft';
import { EstimateSummary } from './EstimatePanel';
import { QUANTIZATION_LABELS } from './fragments';

const TrainingOptions = graphql(`
  query TrainingOptions {
    trainingPresets {
      id
      name
      description
      hyperparameters {
        ...HyperparameterValues
      }
    }
    gpuTypes {
      type
      name
      counts
      hourlyRateUsd
      memoryGb
    }
    hyperparameterBounds {
      field
      label
      min
      max
      integer
    }
    baseModels {
      id
      name
      contextLength
    }
    datasets(first: 100, filter: { status: [READY] }) {
      totalCount
      edges {
        cursor
        node {
          ...DatasetRow
        }
      }
    }
  }
`);

const TrainAgainSource = graphql(`
  query TrainAgainSource($id: ID!) {
    trainingJob(id: $id) {
      id
      name
      presetId
      maxCost
      dataset {
        id
      }
      baseModel {
        id
      }
      gpu {
        type
        count
      }
      hyperparameters {
        ...HyperparameterValues
      }
    }
  }
`);

const EstimateCost = graphql(`
  query EstimateCost($input: EstimateTrainingCostInput!) {
    estimateTrainingCost(input: $input) {
      __typename
      ... on TrainingEstimate {
        ...EstimateDetails
      }
      ... on InvalidInputError {
        ...InvalidInputProblems
      }
      ...ActionFailure
    }
  }
`);

const CreateTrainingJob = graphql(`
  mutation CreateTrainingJob($input: CreateTrainingJobInput!) {
    createTrainingJob(input: $input) {
      __typename
      ... on TrainingJobPayload {
        trainingJob {
          ...JobListRow
        }
      }
      ... on InvalidInputError {
        ...InvalidInputProblems
      }
      ...ActionFailure
    }
  }
`);

type NumericField = Exclude<keyof HyperparametersInput, 'quantization'>;

/** Client-side bounds check, so an out-of-range value never reaches the estimate. */
function checkValue(raw: string, bound: { min: number; max?: number | null; integer: boolean; label: string }): { value?: number; problem?: string } {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value)) return { problem: 'Enter a number.' };
  if (bound.integer && !Number.isInteger(value)) return { problem: 'Enter a whole number.' };
  if (value < bound.min || (bound.max != null && value > bound.max)) {
    return { problem: `Between ${formatBound(bound.min)} and ${bound.max != null ? formatBound(bound.max) : '∞'}.` };
  }
  return { value };
}

function formatBound(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.001) return formatScientific(n);
  return Number.isInteger(n) ? formatCompact(n) : formatNumber(n, 4);
}

export function TrainingConfigurePage() {
  useTitle('Configure training');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [options, reload] = useQuery({ query: TrainingOptions });
  const [creating, createJob] = useMutation(CreateTrainingJob);
  const fromParam = params.get('from');
  const fromId = fromParam === null ? null : routeId('TrainingJob', fromParam);
  const [source] = useQuery({ query: TrainAgainSource, variables: { id: fromId ?? '' }, pause: !fromId });
  const sourceJob = source.data?.trainingJob;
  const sourceMissing = fromParam !== null && (!fromId || (source.data !== undefined && !sourceJob));

  const [datasetId, setDatasetId] = useState(params.get('datasetId') ?? '');
  const [presetId, setPresetId] = useState('balanced');
  const [overrides, setOverrides] = useState<Partial<Record<NumericField, string>>>({});
  const [quantization, setQuantization] = useState<Quantization | null>(null);
  const [baseModelId, setBaseModelId] = useState('');
  const [gpuType, setGpuType] = useState('');
  const [gpuCount, setGpuCount] = useState(1);
  const [maxCost, setMaxCost] = useState('');
  const [name, setName] = useState('');
  const [idempotencyKey, setIdempotencyKey] = useState(randomId);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [serverProblems, setServerProblems] = useState<Record<string, string>>({});

  const data = options.data;

  // Train again: once both the options and the job are here, its settings become the form's (once, so edits stay).
  const prefilled = useRef(false);
  useEffect(() => {
    const presetOfJob = data?.trainingPresets.find((p) => p.id === sourceJob?.presetId);
    if (prefilled.current || !sourceJob || !presetOfJob) return;
    prefilled.current = true;
    const { quantization: jobQuantization, ...numbers } = sourceJob.hyperparameters;
    setDatasetId(sourceJob.dataset.id);
    setPresetId(presetOfJob.id);
    setOverrides(
      Object.fromEntries(
        Object.entries(numbers)
          // graphcache adds __typename; only numbers are fields.
          .filter(([field, value]) => typeof value === 'number' && presetOfJob.hyperparameters[field as NumericField] !== value)
          .map(([field, value]) => [field, String(value)]),
      ),
    );
    setQuantization(jobQuantization === presetOfJob.hyperparameters.quantization ? null : jobQuantization);
    setBaseModelId(sourceJob.baseModel.id);
    setGpuType(sourceJob.gpu.type);
    setGpuCount(sourceJob.gpu.count);
    // Decimals come with their scale ("25.000000"); the field shows what a person would type.
    setMaxCost(
      sourceJob.maxCost == null
        ? ''
        : String(sourceJob.maxCost)
            .replace(/\.(\d*?)0+$/, '.$1')
            .replace(/\.$/, ''),
    );
  }, [data, sourceJob]);
  const datasets = data?.datasets.edges.map((edge) => edge.node) ?? [];
  const dataset = datasets.find((d) => d.id === datasetId) ?? (params.get('datasetId') || sourceJob ? undefined : datasets[0]);
  const preset = data?.trainingPresets.find((p) => p.id === presetId) ?? data?.trainingPresets[0];
  const gpu = data?.gpuTypes.find((g) => g.type === gpuType) ?? data?.gpuTypes[0];
  const model = data?.baseModels.find((m) => m.id === (baseModelId || dataset?.baseModel.id));
  const bounds = useMemo(
    () =>
      (data?.hyperparameterBounds ?? []).map((b) => ({
        ...b,
        field: b.field as NumericField,
        max: b.field === 'maxSeqLength' && model ? Math.min(b.max ?? Infinity, model.contextLength) : b.max,
      })),
    [data, model],
  );

  // Overrides that pass the bounds, and the problems of those that do not.
  const checked = bounds.map((bound) => {
    const raw = overrides[bound.field];
    return { bound, raw, ...(raw === undefined ? {} : checkValue(raw, bound)) };
  });
  const localProblems = Object.fromEntries(checked.filter((c) => c.problem).map((c) => [c.bound.field, c.problem!]));
  const hyperparameters: HyperparametersInput = Object.fromEntries(checked.filter((c) => c.value !== undefined).map((c) => [c.bound.field, c.value]));
  if (quantization) hyperparameters.quantization = quantization;
  const capProblem = maxCost.trim() && !(Number(maxCost) > 0) ? 'Enter an amount above zero, or leave it empty.' : null;

  const estimateInput: EstimateTrainingCostInput | null =
    dataset && preset && gpu && Object.keys(localProblems).length === 0
      ? { datasetId: dataset.id, presetId: preset.id, hyperparameters, gpu: { type: gpu.type, count: gpuCount }, baseModelId: baseModelId || null }
      : null;
  const settledKey = useDebounced(JSON.stringify(estimateInput), 300);
  const settledInput = JSON.parse(settledKey) as EstimateTrainingCostInput | null;
  const [estimateResult] = useQuery({ query: EstimateCost, variables: { input: settledInput! }, pause: !settledInput });
  const lastEstimate = useRef<typeof estimateResult.data>(undefined);
  if (estimateResult.data && !estimateResult.stale) lastEstimate.current = estimateResult.data;
  const outcome = (estimateResult.data ?? lastEstimate.current)?.estimateTrainingCost;
  const estimate = outcome?.__typename === 'TrainingEstimate' ? outcome : null;
  const updating = settledKey !== JSON.stringify(estimateInput) || estimateResult.fetching;
  const estimateProblems = outcome?.__typename === 'InvalidInputError' ? problemsByPath(outcome.problems) : {};
  const problems = { ...estimateProblems, ...serverProblems, ...Object.fromEntries(Object.entries(localProblems).map(([k, v]) => [`hyperparameters.${k}`, v])) };

  function choosePreset(id: string) {
    setPresetId(id);
    setOverrides({});
    setQuantization(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!estimateInput || capProblem) return;
    setSubmitError(null);
    setServerProblems({});
    const result = await createJob({
      input: { ...estimateInput, maxCostUsd: maxCost.trim() ? maxCost.trim() : null, name: name.trim() || null, idempotencyKey },
    });
    const created = result.data?.createTrainingJob;
    if (created?.__typename === 'TrainingJobPayload') return navigate(`/training/jobs/${created.trainingJob.id}`);
    if (!created) return setSubmitError(result.error?.message ?? 'The job could not be created.');
    setIdempotencyKey(randomId());
    if (created.__typename === 'InvalidInputError') setServerProblems(problemsByPath(created.problems));
    setSubmitError(failureMessage(created, undefined, 'The job could not be created.'));
  }

  if (!data) {
    return options.error ? <ErrorState error={options.error} retry={() => reload({ requestPolicy: 'network-only' })} /> : <Loading label="Loading training options…" />;
  }
  if (datasets.length === 0) {
    return (
      <>
        <PageHeader title="Configure training" back={{ to: '/training/jobs', label: 'Training jobs' }} />
        <EmptyState
          title="No dataset is ready for training"
          action={
            <Link className="button button-primary" to="/datasets/new">
              Upload a dataset
            </Link>
          }
        >
          Training needs a dataset that passed validation.
        </EmptyState>
      </>
    );
  }

  const cap = Number(maxCost);
  const capBelowEstimate = estimate && cap > 0 && cap < Number(estimate.costUsd);
  // An estimate made for other values than the ones on screen is not shown.
  const invalid = Object.keys(localProblems).length > 0;
  const fixFirst = 'Fix the values marked in red to see the estimate.';

  return (
    <>
      <PageHeader
        title="Configure training"
        back={{ to: '/training/jobs', label: 'Training jobs' }}
        subtitle={
          sourceJob ? `The settings of ${sourceJob.name}: change what you need and start again.` : 'Pick a preset, adjust what you need, and see what it costs before you start.'
        }
      />
      {sourceMissing && <Alert tone="warning">The job to train again was not found: it does not exist, or it belongs to someone else. The form starts from the defaults.</Alert>}
      <form className="configure" onSubmit={submit} noValidate>
        <div className="configure-main">
          <Panel title="Dataset">
            {!dataset && <Alert tone="warning">The dataset in the link is not ready for training (or does not exist). Choose another.</Alert>}
            <Field label="Dataset" error={problems.datasetId}>
              <select value={dataset?.id ?? ''} onChange={(e) => setDatasetId(e.target.value)}>
                {!dataset && <option value="">Choose a dataset</option>}
                {datasets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name} · {formatInteger(d.statistics?.examples)} examples · {formatCompact(d.statistics?.totalTokens)} tokens
                  </option>
                ))}
              </select>
            </Field>
          </Panel>

          <Panel title="Preset">
            <div className="choice-cards" role="radiogroup" aria-label="Preset">
              {data.trainingPresets.map((p) => (
                <label key={p.id} className={`choice-card ${preset?.id === p.id ? 'chosen' : ''}`}>
                  <input type="radio" name="preset" value={p.id} checked={preset?.id === p.id} onChange={() => choosePreset(p.id)} className="visually-hidden" />
                  <span className="choice-title">{p.name}</span>
                  <span className="choice-text">{p.description}</span>
                  <span className="choice-meta">
                    {p.hyperparameters.epochs} {p.hyperparameters.epochs === 1 ? 'epoch' : 'epochs'} · rank {p.hyperparameters.loraRank} · lr{' '}
                    {formatScientific(p.hyperparameters.learningRate)}
                  </span>
                </label>
              ))}
            </div>
          </Panel>

          <Panel
            title="Hyperparameters"
            actions={
              (Object.keys(overrides).length > 0 || quantization) && (
                <button type="button" className="button button-small" onClick={() => choosePreset(preset!.id)}>
                  Reset to preset
                </button>
              )
            }
          >
            <div className="field-grid">
              {checked.map(({ bound, raw }) => {
                const presetValue = preset?.hyperparameters[bound.field];
                const shown = raw ?? (bound.field === 'learningRate' ? formatScientific(presetValue as number) : String(presetValue ?? ''));
                return (
                  <Field
                    key={bound.field}
                    label={bound.label}
                    mark={raw !== undefined ? '•' : undefined}
                    hint={`${formatBound(bound.min)} – ${bound.max != null ? formatBound(bound.max) : '∞'}`}
                    error={problems[`hyperparameters.${bound.field}`]}
                  >
                    <input
                      type="text"
                      inputMode={bound.integer ? 'numeric' : 'decimal'}
                      value={shown}
                      onChange={(e) => setOverrides((current) => ({ ...current, [bound.field]: e.target.value }))}
                    />
                  </Field>
                );
              })}
              <Field label="Quantization" mark={quantization ? '•' : undefined} error={problems['hyperparameters.quantization']}>
                <select value={quantization ?? preset?.hyperparameters.quantization ?? 'NF4'} onChange={(e) => setQuantization(e.target.value as Quantization)}>
                  {Object.entries(QUANTIZATION_LABELS).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            <p className="muted small">A dot (•) marks a value changed from the preset.</p>
          </Panel>

          <Panel title="Model and GPUs">
            <div className="field-grid">
              <Field label="Base model" hint="Default: the model the dataset was validated for." error={problems.baseModelId}>
                <select value={baseModelId || dataset?.baseModel.id || ''} onChange={(e) => setBaseModelId(e.target.value)}>
                  {data.baseModels.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="GPU count" error={problems['gpu.count']}>
                <select value={gpuCount} onChange={(e) => setGpuCount(Number(e.target.value))}>
                  {(gpu?.counts ?? [1]).map((count) => (
                    <option key={count} value={count}>
                      {count} × GPU
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            <div className="choice-cards choice-cards-compact" role="radiogroup" aria-label="GPU type">
              {data.gpuTypes.map((g) => (
                <label key={g.type} className={`choice-card ${gpu?.type === g.type ? 'chosen' : ''}`}>
                  <input type="radio" name="gpu" value={g.type} checked={gpu?.type === g.type} onChange={() => setGpuType(g.type)} className="visually-hidden" />
                  <span className="choice-title">{g.type}</span>
                  <span className="choice-meta">
                    {formatMoney(g.hourlyRateUsd)}/h · {g.memoryGb} GB
                  </span>
                </label>
              ))}
            </div>
            {problems['gpu.type'] && <div className="field-error">{problems['gpu.type']}</div>}
          </Panel>

          <Panel title="Name and cost cap">
            <div className="field-grid">
              <Field label="Job name (optional)" hint={`Default: ${dataset?.name ?? 'dataset'} · ${preset?.id ?? 'preset'}`} error={problems.name}>
                <input type="text" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
              </Field>
              <Field label="Cost cap in USD (optional)" hint="The job stops when its running cost reaches this." error={capProblem ?? problems.maxCostUsd}>
                <input type="text" inputMode="decimal" placeholder="No cap" value={maxCost} onChange={(e) => setMaxCost(e.target.value)} />
              </Field>
            </div>
          </Panel>

          {/* Repeats the estimate panel for sight while the form fills a phone's screen; the panel is what assistive technology reads. */}
          <div className="estimate-bar" aria-hidden="true">
            {invalid ? (
              <span>{fixFirst}</span>
            ) : estimate ? (
              <>
                <span className="muted">Estimate</span>
                <span className={updating ? 'estimate-bar-amount estimate-updating' : 'estimate-bar-amount'}>{formatMoney(estimate.costUsd)}</span>
                <span className="muted">{updating ? 'Updating…' : `about ${formatDuration(estimate.durationSeconds)}`}</span>
              </>
            ) : (
              <span className="muted">Estimating…</span>
            )}
          </div>
        </div>

        <aside className="configure-side">
          <Panel
            title="Estimate"
            actions={
              updating && (
                <span className="muted small" role="status">
                  Updating…
                </span>
              )
            }
            className="estimate-panel"
          >
            {invalid ? (
              <p className="muted">{fixFirst}</p>
            ) : estimate ? (
              <div className={updating ? 'estimate-updating' : undefined} aria-live="polite">
                <EstimateSummary estimate={estimate} />
                <BudgetLeft estimatedCost={estimate.costUsd} maxCost={cap > 0 && !capProblem ? maxCost.trim() : null} />
              </div>
            ) : outcome && outcome.__typename !== 'TrainingEstimate' ? (
              <Alert tone="warning">{outcome.message}</Alert>
            ) : estimateResult.error ? (
              <Alert>{estimateResult.error.message}</Alert>
            ) : (
              <Loading label="Estimating…" />
            )}
            {capBelowEstimate && <Alert tone="warning">The cap is below the estimate: the job will probably stop before it finishes.</Alert>}
            {submitError && <Alert title="Not started">{submitError}</Alert>}
            <button type="submit" className="button button-primary button-block" disabled={!estimateInput || Boolean(capProblem) || creating.fetching}>
              {creating.fetching ? 'Starting…' : 'Start training'}
            </button>
          </Panel>
        </aside>
      </form>
    </>
  );
}
