// /datasets/new: pick or drop a file, choose format and base model, upload it straight to storage with a
// progress bar (XMLHttpRequest against the signed URL), then watch validation live until READY or INVALID.
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Panel } from '../../components/Card';
import { Field, problemsByPath } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { Alert, ErrorState, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { graphql } from '../../gql';
import type { DatasetFormat } from '../../gql/graphql';
import { formatBytes, formatCompact, formatCount, formatInteger } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { randomId } from '../../lib/ids';
import { contentTypeOf, uploadFile, UploadError, type UploadHandle } from '../../lib/upload';
import { outcome } from '../../lib/outcome';
import { isDatasetActive, readableIssue } from './fragments';

const UploadOptions = graphql(`
  query UploadOptions {
    baseModels {
      id
      name
      contextLength
      isDefault
      exactTokenCounts
    }
  }
`);

const CreateDataset = graphql(`
  mutation CreateDataset($input: CreateDatasetInput!) {
    createDataset(input: $input) {
      __typename
      ... on CreateDatasetPayload {
        dataset {
          ...DatasetRow
        }
        upload {
          url
          method
          headers
          expiresAt
        }
      }
      ... on InvalidInputError {
        ...InvalidInputProblems
      }
      ... on QuotaExceededError {
        message
      }
    }
  }
`);

const ConfirmDatasetUpload = graphql(`
  mutation ConfirmDatasetUpload($id: ID!) {
    confirmDatasetUpload(id: $id) {
      __typename
      ... on DatasetPayload {
        dataset {
          ...DatasetRow
        }
      }
      ...ActionFailure
    }
  }
`);

const AbandonUpload = graphql(`
  mutation AbandonUpload($id: ID!) {
    deleteDataset(id: $id) {
      __typename
      ... on DatasetPayload {
        dataset {
          id
          deletedAt
        }
      }
      ...ActionFailure
    }
  }
`);

graphql(`
  fragment UploadOutcome on Dataset {
    ...DatasetRow
    validation {
      issues(first: 5, severity: ERROR) {
        line
        path
        code
        message
        severity
      }
    }
  }
`);

const UploadedDataset = graphql(`
  query UploadedDataset($id: ID!) {
    dataset(id: $id) {
      ...UploadOutcome
    }
  }
`);

const UploadedDatasetUpdated = graphql(`
  subscription UploadedDatasetUpdated($id: ID!) {
    datasetUpdated(id: $id) {
      ...UploadOutcome
    }
  }
`);

const FORMATS: { value: DatasetFormat; label: string; hint: string }[] = [
  { value: 'CHAT_JSONL', label: 'Chat JSONL', hint: 'One {"messages": [{role, content}, …]} object per line, as OpenAI, Together and Fireworks accept.' },
  { value: 'BRIGHTRUN_LORA_V4', label: 'BrightRun LoRA v4', hint: 'The BrightRun export: one training pair per line with conversation_history and target_response.' },
];

type Step =
  | { kind: 'form' }
  | { kind: 'uploading'; datasetId: string; loaded: number; total: number; startedAt: number }
  | { kind: 'confirming'; datasetId: string }
  | { kind: 'uploaded'; datasetId: string };

/** Input fields whose problems the form shows beside them. */
const SHOWN_AT_A_FIELD = new Set(['fileSize', 'contentType', 'name', 'description', 'format', 'baseModelId']);

export function DatasetUploadPage() {
  useTitle('Upload dataset');
  const [options] = useQuery({ query: UploadOptions });
  const [, createDataset] = useMutation(CreateDataset);
  const [, confirmUpload] = useMutation(ConfirmDatasetUpload);
  const [, abandonUpload] = useMutation(AbandonUpload);

  const [file, setFile] = useState<File | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState(randomId);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [format, setFormat] = useState<DatasetFormat>('CHAT_JSONL');
  const [baseModelId, setBaseModelId] = useState('');
  const [dragging, setDragging] = useState(false);
  const [step, setStep] = useState<Step>({ kind: 'form' });
  const [failure, setFailure] = useState<string | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const upload = useRef<UploadHandle | null>(null);

  const models = options.data?.baseModels ?? [];
  const chosenModel = baseModelId || models.find((m) => m.isDefault)?.id || models[0]?.id || '';

  function choose(next: File | null | undefined) {
    if (!next) return;
    setFile(next);
    setIdempotencyKey(randomId());
    setFailure(null);
    setProblems({});
    if (!name || name === file?.name.replace(/\.[^.]+$/, '')) setName(next.name.replace(/\.[^.]+$/, ''));
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return setFailure('Choose a file to upload first.');
    if (file.size === 0) return setFailure(`${file.name} is empty. Choose a JSONL file with at least one example.`);
    setFailure(null);
    setProblems({});
    const created = await createDataset({
      input: {
        name: name.trim() || file.name,
        description: description.trim() || null,
        fileName: file.name,
        fileSize: file.size,
        contentType: contentTypeOf(file),
        format,
        baseModelId: chosenModel || null,
        idempotencyKey,
      },
    });
    const result = created.data?.createDataset;
    if (!result) return setFailure(created.error ? created.error.message : 'The dataset could not be created.');
    if (result.__typename === 'InvalidInputError') {
      const byField = problemsByPath(result.problems);
      setProblems(byField);
      // Each problem shows at its field; the banner repeats only what no field shows.
      const elsewhere = Object.keys(byField).filter((key) => !SHOWN_AT_A_FIELD.has(key));
      return setFailure(elsewhere.length > 0 ? result.message : 'Fix what is marked below.');
    }
    if (result.__typename === 'QuotaExceededError') return setFailure(result.message);
    const datasetId = result.dataset.id;
    if (!result.upload) return finish(datasetId);

    setStep({ kind: 'uploading', datasetId, loaded: 0, total: file.size, startedAt: Date.now() });
    const handle = uploadFile(file, result.upload, (loaded, total) => setStep((current) => (current.kind === 'uploading' ? { ...current, loaded, total } : current)));
    upload.current = handle;
    try {
      await handle.done;
    } catch (err) {
      setStep({ kind: 'form' });
      if (err instanceof UploadError && err.aborted) {
        void abandonUpload({ id: datasetId });
        setIdempotencyKey(randomId());
        return setFailure(null);
      }
      return setFailure((err as Error).message);
    } finally {
      upload.current = null;
    }
    await finish(datasetId);
  }

  async function finish(datasetId: string) {
    setStep({ kind: 'confirming', datasetId });
    const confirmed = await confirmUpload({ id: datasetId });
    const { failure } = outcome(confirmed.data?.confirmDatasetUpload, 'DatasetPayload', confirmed.error, 'The upload could not be confirmed.');
    if (!failure) return setStep({ kind: 'uploaded', datasetId });
    setStep({ kind: 'form' });
    setFailure(failure);
  }

  function reset() {
    setStep({ kind: 'form' });
    setFile(null);
    setName('');
    setDescription('');
    setIdempotencyKey(randomId());
    setFailure(null);
  }

  const busy = step.kind !== 'form';

  return (
    <>
      <PageHeader title="Upload a dataset" back={{ to: '/datasets', label: 'Datasets' }} subtitle="The file goes straight to storage; validation starts the moment it arrives." />
      {step.kind === 'uploaded' ? (
        <ValidationProgress datasetId={step.datasetId} onAnother={reset} />
      ) : (
        <form className="upload-layout" onSubmit={submit} noValidate>
          <Panel title="File">
            <label
              className={`dropzone ${dragging ? 'dropzone-active' : ''} ${file ? 'dropzone-filled' : ''}`}
              onDragOver={(event) => {
                event.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
            >
              <input
                className="visually-hidden"
                type="file"
                accept=".jsonl,.json,.ndjson,application/json,application/jsonl"
                disabled={busy}
                onChange={(event) => choose(event.target.files?.[0])}
                aria-describedby="dropzone-hint"
              />
              {file ? (
                <>
                  <span className="dropzone-title">{file.name}</span>
                  <span className="muted">{formatBytes(file.size)} · choose or drop another file to replace it</span>
                </>
              ) : (
                <>
                  <span className="dropzone-title">Drop a JSONL file here</span>
                  <span className="muted">or click to choose one</span>
                </>
              )}
              <span id="dropzone-hint" className="muted small">
                JSONL, one example per line · up to 500 MB
              </span>
            </label>
            {problems.fileSize && <div className="field-error">{problems.fileSize}</div>}
            {problems.contentType && <div className="field-error">{problems.contentType}</div>}

            {step.kind === 'uploading' && (
              <div className="upload-progress">
                <ProgressBar value={step.total ? step.loaded / step.total : null} label="Uploading" detail={uploadDetail(step)} />
                <button type="button" className="button" onClick={() => upload.current?.abort()}>
                  Cancel upload
                </button>
              </div>
            )}
            {step.kind === 'confirming' && <Loading label="Starting validation…" />}
          </Panel>

          <Panel title="Details">
            <Field label="Name" error={problems.name}>
              <input type="text" value={name} onChange={(e) => setName(e.target.value)} disabled={busy} maxLength={200} required />
            </Field>
            <Field label="Description (optional)" error={problems.description}>
              <textarea value={description} onChange={(e) => setDescription(e.target.value)} disabled={busy} rows={2} />
            </Field>
            <Field label="Format" hint={FORMATS.find((f) => f.value === format)?.hint} error={problems.format}>
              <select value={format} onChange={(e) => setFormat(e.target.value as DatasetFormat)} disabled={busy}>
                {FORMATS.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
            </Field>
            {options.error && !options.data ? (
              <ErrorState error={options.error} title="Base models could not be loaded" />
            ) : (
              <Field label="Base model" hint="Token counts and the context-length check use this model's tokenizer." error={problems.baseModelId}>
                <select value={chosenModel} onChange={(e) => setBaseModelId(e.target.value)} disabled={busy || !models.length}>
                  {models.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name} · {formatCompact(m.contextLength)} context{m.exactTokenCounts ? '' : ' · estimated tokens'}
                    </option>
                  ))}
                </select>
              </Field>
            )}
            {failure && <Alert title="Not uploaded">{failure}</Alert>}
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={busy || !file}>
                {step.kind === 'uploading' ? 'Uploading…' : 'Upload and validate'}
              </button>
            </div>
          </Panel>
        </form>
      )}
    </>
  );
}

function uploadDetail(step: Extract<Step, { kind: 'uploading' }>): string {
  const seconds = (Date.now() - step.startedAt) / 1000;
  const rate = seconds > 0.5 ? `${formatBytes(step.loaded / seconds)}/s` : '';
  const percent = step.total ? `${Math.floor((step.loaded / step.total) * 100)}%` : '';
  return [percent, `${formatBytes(step.loaded)} of ${formatBytes(step.total)}`, rate].filter(Boolean).join(' · ');
}

/** After the upload: the dataset's status, live, until validation decides. */
function ValidationProgress({ datasetId, onAnother }: { datasetId: string; onAnother(): void }) {
  const [{ data, error }] = useQuery({ query: UploadedDataset, variables: { id: datasetId } });
  const dataset = data?.dataset;
  // Until this page has the report: the list feed may bring the final status first, without the report.
  const active = !dataset || isDatasetActive(dataset.status) || !dataset.validation;
  useSubscription({ query: UploadedDatasetUpdated, variables: { id: datasetId }, pause: !active });
  if (!dataset) return error ? <ErrorState error={error} /> : <Loading />;
  const issues = dataset.validation?.issues ?? [];

  return (
    <Panel title={dataset.name} actions={<StatusBadge status={dataset.status} />} className="validation-card">
      {active && <ProgressBar value={null} label="Validating every line" detail={formatBytes(dataset.fileSize)} />}
      {dataset.status === 'READY' && (
        <Alert tone="success" title="Ready to train">
          {formatInteger(dataset.statistics?.examples)} examples, {formatCompact(dataset.statistics?.totalTokens)} tokens
          {dataset.warningCount > 0 ? `, ${formatCount(dataset.warningCount, 'warning')}` : ''}.
        </Alert>
      )}
      {dataset.status === 'INVALID' && (
        <Alert title={`${formatCount(dataset.errorCount, 'error')} found`}>
          Fix the file and upload it again. {issues.length > 0 && 'The first problems:'}
          {issues.length > 0 && (
            <ul className="issue-preview">
              {issues.map((issue, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a fixed preview list, never reordered; two issues can share a line and message
                <li key={i}>
                  <span className="mono">{issue.line > 0 ? `Line ${issue.line}` : 'File'}</span> {readableIssue(issue.message)}
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      <div className="form-actions">
        <Link className={`button ${active ? '' : 'button-primary'}`} to={`/datasets/${dataset.id}`}>
          {dataset.status === 'INVALID' ? 'See every error' : 'View dataset'}
        </Link>
        {dataset.status === 'READY' && (
          <Link className="button" to={`/training/configure?datasetId=${encodeURIComponent(dataset.id)}`}>
            Start training
          </Link>
        )}
        <button type="button" className="button button-ghost" onClick={onAnother}>
          Upload another
        </button>
      </div>
    </Panel>
  );
}
