// /models/:id: an adapter's quality (stars, losses, perplexity), its files with sizes and copyable checksums,
// signed downloads (one file or all in one archive), code to use it, where it came from, and "Train again".
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Facts, Panel, StatCard, StatGrid } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { PageHeader } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { Stars } from '../../components/Stars';
import { Alert, EmptyState, ErrorState, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import type { CreateModelDownloadMutation } from '../../gql/graphql';
import { formatBytes, formatNumber, formatPercent, formatScientific } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { QUALITY_WARNING_LABELS } from './fragments';
import { routeId } from '../../lib/ids';
import { outcome } from '../../lib/outcome';
import { QUANTIZATION_LABELS, trainAgainLink } from '../training/fragments';
import { modelSnippets, type Snippet } from './snippets';

const ModelDetail = graphql(`
  query ModelDetail($id: ID!) {
    model(id: $id) {
      ...ModelRow
      archiveName
      failureReason
      updatedAt
      quality {
        rating
        finalTrainingLoss
        finalValidationLoss
        bestValidationLoss
        bestValidationStep
        perplexity
        lossReduction
        warnings {
          code
          message
        }
      }
      files {
        id
        name
        size
        sha256
        contentType
      }
      hyperparameters {
        ...HyperparameterValues
      }
    }
  }
`);

const CreateModelDownload = graphql(`
  mutation CreateModelDownload($id: ID!) {
    createModelDownload(id: $id) {
      __typename
      ... on ModelDownloadPayload {
        expiresAt
        files {
          name
          url
          size
          sha256
        }
      }
      ...ActionFailure
    }
  }
`);

const CreateModelArchive = graphql(`
  mutation CreateModelArchive($id: ID!) {
    createModelDownload(id: $id) {
      __typename
      ... on ModelDownloadPayload {
        archive {
          name
          url
        }
      }
      ...ActionFailure
    }
  }
`);

type Links = Extract<CreateModelDownloadMutation['createModelDownload'], { __typename: 'ModelDownloadPayload' }>;

/** Starts the browser's download of a signed URL. */
function startDownload(url: string, name: string) {
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}

export function ModelDetailPage() {
  const id = routeId('Model', useParams().id);
  const [{ data, error, fetching }, reload] = useQuery({ query: ModelDetail, variables: { id: id ?? '' }, pause: !id });
  const [signing, createDownload] = useMutation(CreateModelDownload);
  const [archiving, createArchive] = useMutation(CreateModelArchive);
  const [links, setLinks] = useState<Links | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const model = data?.model;
  useTitle(model?.name ?? 'Model');

  if (!model || !id) {
    if (id && error) return <ErrorState error={error} retry={() => reload({ requestPolicy: 'network-only' })} />;
    if (id && (fetching || data === undefined)) return <Loading label="Loading model…" />;
    return (
      <EmptyState heading={1} title="Model not found" link={{ to: '/models', label: 'All models' }}>
        It does not exist, or it belongs to someone else.
      </EmptyState>
    );
  }

  /** Signed URLs last 24 hours: one request serves every download until they expire. */
  const download = async (name: string) => {
    setDownloadError(null);
    let current = links && new Date(links.expiresAt).getTime() > Date.now() + 60_000 ? links : null;
    if (!current) {
      const result = await createDownload({ id });
      const { payload, failure } = outcome(result.data?.createModelDownload, 'ModelDownloadPayload', result.error, 'The download could not be prepared.');
      if (!payload) return setDownloadError(failure);
      current = payload;
      setLinks(payload);
    }
    const file = current.files.find((f) => f.name === name);
    if (file) startDownload(file.url, file.name);
  };

  /** The archive is made on the server the first time (a copy of every file), so this one waits on it. */
  const downloadAll = async () => {
    setDownloadError(null);
    const result = await createArchive({ id });
    const { payload, failure } = outcome(result.data?.createModelDownload, 'ModelDownloadPayload', result.error, 'The archive could not be prepared.');
    if (!payload) return setDownloadError(failure);
    startDownload(payload.archive.url, payload.archive.name);
  };

  const q = model.quality;
  const h = model.hyperparameters;

  return (
    <>
      <PageHeader
        back={{ to: '/models', label: 'Models' }}
        title={
          <>
            {model.name} <StatusBadge status={model.status} label={model.status === 'STORED' ? 'Ready' : undefined} />
          </>
        }
        subtitle={
          <>
            {model.baseModel.name} · trained on <Link to={`/datasets/${model.dataset.id}`}>{model.dataset.name}</Link> by{' '}
            <Link to={`/training/jobs/${model.job.id}`}>{model.job.name}</Link>
          </>
        }
        actions={
          <Link className="button" to={trainAgainLink(model.job.id)}>
            Train again
          </Link>
        }
      />
      {model.status === 'PENDING' && (
        <Panel>
          <ProgressBar value={null} label="Copying the adapter files to storage" />
          <p className="muted small">This page updates when the files are stored.</p>
        </Panel>
      )}
      {model.status === 'FAILED' && <Alert title="The files could not be stored">{model.failureReason ?? 'Unknown reason.'}</Alert>}

      {q && (
        <StatGrid>
          <StatCard
            label="Rating"
            value={<Stars rating={q.rating} />}
            hint={q.warnings.length ? `${q.warnings.length === 1 ? 'a star' : 'stars'} off: see below` : 'from how far the loss fell'}
          />
          <StatCard label="Loss reduction" value={formatPercent(q.lossReduction)} hint="training loss, start to end" />
          <StatCard
            label="Final validation loss"
            value={formatNumber(q.finalValidationLoss, 4)}
            hint={`best ${formatNumber(q.bestValidationLoss, 4)}${q.bestValidationStep == null ? '' : ` at step ${q.bestValidationStep}`}`}
          />
          <StatCard label="Perplexity" value={formatNumber(q.perplexity, 2)} hint="exp(final validation loss)" />
          <StatCard label="Final training loss" value={formatNumber(q.finalTrainingLoss, 4)} />
        </StatGrid>
      )}
      {q?.warnings.map((w) => (
        <Alert key={w.code} tone="warning" title={QUALITY_WARNING_LABELS[w.code] ?? w.code}>
          {w.message}
        </Alert>
      ))}

      <Panel
        title="Files"
        actions={
          model.status === 'STORED' && (
            <>
              <span className="muted small">{formatBytes(model.totalSize)} in all</span>
              <button type="button" className="button button-small button-primary" onClick={() => void downloadAll()} disabled={archiving.fetching}>
                {archiving.fetching ? 'Preparing archive…' : 'Download all (.tar)'}
              </button>
            </>
          )
        }
      >
        {downloadError && <Alert title="No download">{downloadError}</Alert>}
        {model.files.length === 0 ? (
          <p className="muted">{model.status === 'PENDING' ? 'The files appear here once they are stored.' : 'No files.'}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table-cards">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">SHA-256</th>
                  <th scope="col">
                    <span className="visually-hidden">Download</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {model.files.map((file) => (
                  <tr key={file.id}>
                    <td data-label="File" className="mono">
                      {file.name}
                    </td>
                    <td data-label="Size" className="num">
                      {formatBytes(file.size)}
                    </td>
                    <td data-label="SHA-256" className="mono checksum" title={file.sha256}>
                      <span className="checksum-copy">
                        <span>{file.sha256.slice(0, 16)}…</span>
                        <CopyButton text={file.sha256} what={`SHA-256 of ${file.name}`} />
                      </span>
                    </td>
                    <td data-label="">
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => void download(file.name)}
                        disabled={signing.fetching || model.status !== 'STORED'}
                        aria-label={`Download ${file.name}`}
                      >
                        Download
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {links && <p className="muted small">Download links are signed and work until {new Date(links.expiresAt).toLocaleString()}.</p>}
      </Panel>

      {model.status === 'STORED' && (
        <Panel title="Use it">
          <Snippets snippets={modelSnippets({ id: model.id, baseModelId: model.baseModel.id, archiveName: model.archiveName }, window.location.origin)} />
        </Panel>
      )}

      <Panel title="Lineage">
        <Facts
          items={[
            ['Base model', model.baseModel.name],
            [
              'Dataset',
              <Link key="d" to={`/datasets/${model.dataset.id}`}>
                {model.dataset.name}
              </Link>,
            ],
            [
              'Training job',
              <Link key="j" to={`/training/jobs/${model.job.id}`}>
                {model.job.name}
              </Link>,
            ],
            ['Epochs', String(h.epochs)],
            ['Learning rate', formatScientific(h.learningRate)],
            ['LoRA', `rank ${h.loraRank} · alpha ${h.loraAlpha} · dropout ${h.loraDropout}`],
            ['Batch size', String(h.batchSize)],
            ['Max sequence', `${h.maxSeqLength} tokens`],
            ['Quantization', QUANTIZATION_LABELS[h.quantization] ?? h.quantization],
            ['Created', <Time key="c" iso={model.createdAt} relative={false} />],
            ['Stored', <Time key="s" iso={model.storedAt} relative={false} />],
          ]}
        />
      </Panel>
    </>
  );
}

/** One code sample at a time, picked by tabs, each with a copy button. */
function Snippets({ snippets }: { snippets: Snippet[] }) {
  const [shown, setShown] = useState(snippets[0]!.id);
  const snippet = snippets.find((s) => s.id === shown) ?? snippets[0]!;
  return (
    <div className="snippets">
      <div className="toolbar snippet-toolbar">
        <div className="segmented" role="group" aria-label="Code sample">
          {snippets.map((s) => (
            <button key={s.id} type="button" className="segment" aria-pressed={s.id === snippet.id} onClick={() => setShown(s.id)}>
              {s.label}
            </button>
          ))}
        </div>
        <CopyButton text={snippet.code} what={`${snippet.label} code`} />
      </div>
      {/* biome-ignore lint/a11y: a scrolling code block takes the keyboard focus (axe's scrollable-region-focusable), and its label names it then */}
      <pre className="snippet-code" data-snippet={snippet.id} tabIndex={0} aria-label={`${snippet.label} code`}>
        <code>{snippet.code}</code>
      </pre>
    </div>
  );
}
