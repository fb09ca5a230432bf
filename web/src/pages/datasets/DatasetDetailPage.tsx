// /datasets/:id: statistics, the token-length histogram, every validation problem, and the way on to training.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Facts, Panel, StatCard, StatGrid } from '../../components/Card';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PageHeader } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { Alert, EmptyState, ErrorState, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import type { DatasetFormat } from '../../gql/graphql';
import { formatBytes, formatCompact, formatInteger, formatNumber } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { routeId } from '../../lib/ids';
import { outcome } from '../../lib/outcome';
import { FORMAT_LABELS, isDatasetActive } from './fragments';
import { IssueTable } from './IssueTable';
import { TokenHistogram } from './TokenHistogram';

graphql(`
  fragment DatasetDetail on Dataset {
    ...DatasetRow
    description
    contentType
    suggestedFormat
    updatedAt
    validatedAt
    baseModel {
      id
      name
      contextLength
    }
    statistics {
      examples
      trainingPairs
      totalTokens
      examplesOverContext
      duplicates
      emptyLines
      tokensPerExample {
        min
        mean
        p95
        max
      }
      roleCounts {
        system
        user
        assistant
      }
      histogram {
        bucketStart
        count
      }
    }
    validation {
      valid
      errorCount
      warningCount
      truncated
      tokenCountsExact
      tokenizer
      groups {
        code
        severity
        meaning
        count
        stored
      }
    }
  }
`);

const DatasetDetailQuery = graphql(`
  query DatasetDetail($id: ID!) {
    dataset(id: $id) {
      ...DatasetDetail
    }
  }
`);

const DatasetDetailUpdated = graphql(`
  subscription DatasetDetailUpdated($id: ID!) {
    datasetUpdated(id: $id) {
      ...DatasetDetail
    }
  }
`);

const DeleteDataset = graphql(`
  mutation DeleteDataset($id: ID!) {
    deleteDataset(id: $id) {
      __typename
      ... on DatasetPayload {
        dataset {
          id
          deletedAt
        }
      }
      ... on DatasetInUseError {
        message
        activeJobIds
      }
      ...ActionFailure
    }
  }
`);

const RecheckDataset = graphql(`
  mutation RecheckDataset($id: ID!, $format: DatasetFormat!) {
    recheckDataset(id: $id, format: $format) {
      __typename
      ... on DatasetPayload {
        dataset {
          ...DatasetDetail
        }
      }
      ...ActionFailure
    }
  }
`);

export function DatasetDetailPage() {
  const id = routeId('Dataset', useParams().id);
  const navigate = useNavigate();
  const [{ data, error, fetching }, reload] = useQuery({ query: DatasetDetailQuery, variables: { id: id ?? '' }, pause: !id });
  const dataset = data?.dataset;
  useTitle(dataset?.name ?? 'Dataset');
  // Until the page has the report too: the list feed may bring the final status first, without it.
  useSubscription({ query: DatasetDetailUpdated, variables: { id: id ?? '' }, pause: !dataset || (!isDatasetActive(dataset.status) && !!dataset.validation) });
  const [deleting, deleteDataset] = useMutation(DeleteDataset);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [rechecking, recheckDataset] = useMutation(RecheckDataset);
  const [recheckError, setRecheckError] = useState<string | null>(null);

  if (!dataset || !id) {
    if (id && error) return <ErrorState error={error} retry={() => reload({ requestPolicy: 'network-only' })} />;
    if (id && (fetching || data === undefined)) return <Loading label="Loading dataset…" />;
    return (
      <EmptyState heading={1} title="Dataset not found" link={{ to: '/datasets', label: 'All datasets' }}>
        It does not exist, or it belongs to someone else.
      </EmptyState>
    );
  }

  const remove = async () => {
    setDeleteError(null);
    const result = await deleteDataset({ id });
    const { failure } = outcome(result.data?.deleteDataset, 'DatasetPayload', result.error, 'The dataset could not be deleted.');
    setConfirming(false);
    if (failure) setDeleteError(failure);
    else navigate('/datasets', { replace: true });
  };

  const recheck = async (format: DatasetFormat) => {
    setRecheckError(null);
    const result = await recheckDataset({ id, format });
    const { failure } = outcome(result.data?.recheckDataset, 'DatasetPayload', result.error, 'The dataset could not be checked again.');
    if (failure) setRecheckError(failure);
  };

  const stats = dataset.statistics;
  const validation = dataset.validation;
  const ready = dataset.status === 'READY';
  const exact = validation?.tokenCountsExact ?? true;

  return (
    <>
      <PageHeader
        back={{ to: '/datasets', label: 'Datasets' }}
        title={
          <>
            {dataset.name} <StatusBadge status={dataset.status} />
          </>
        }
        subtitle={
          <>
            {dataset.fileName} · {formatBytes(dataset.fileSize)} · {FORMAT_LABELS[dataset.format]} · for {dataset.baseModel.name}
          </>
        }
        actions={
          <>
            {ready ? (
              <Link className="button button-primary" to={`/training/configure?datasetId=${encodeURIComponent(dataset.id)}`}>
                Start training
              </Link>
            ) : (
              <button type="button" className="button button-primary" disabled title="Only a READY dataset can be trained on">
                Start training
              </button>
            )}
            <button type="button" className="button button-ghost-danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          </>
        }
      />
      {deleteError && <Alert title="Not deleted">{deleteError}</Alert>}
      {dataset.deletedAt && <Alert tone="warning">This dataset was deleted.</Alert>}
      {recheckError && <Alert title="Not checked again">{recheckError}</Alert>}
      {dataset.suggestedFormat && !isDatasetActive(dataset.status) && (
        <div className="recheck-suggestion">
          <Alert tone="warning" title={`This file looks like ${FORMAT_LABELS[dataset.suggestedFormat]}`}>
            It was declared {FORMAT_LABELS[dataset.format]}, but most of its lines have the other format's shape. Check the same file again as{' '}
            {FORMAT_LABELS[dataset.suggestedFormat]}; nothing is uploaded again.
          </Alert>
          <button type="button" className="button button-primary" disabled={rechecking.fetching} onClick={() => void recheck(dataset.suggestedFormat!)}>
            {rechecking.fetching ? 'Re-checking…' : `Re-check as ${FORMAT_LABELS[dataset.suggestedFormat]}`}
          </button>
        </div>
      )}

      {isDatasetActive(dataset.status) && (
        <Panel>
          <ProgressBar
            value={null}
            label={dataset.status === 'UPLOADING' ? 'Waiting for the file upload to finish' : 'Validating every line'}
            detail={formatBytes(dataset.fileSize)}
          />
        </Panel>
      )}

      {stats && (
        <StatGrid>
          <StatCard label="Examples" value={formatInteger(stats.examples)} hint={stats.emptyLines ? `${formatInteger(stats.emptyLines)} empty lines skipped` : undefined} />
          <StatCard label="Training pairs" value={formatInteger(stats.trainingPairs)} hint="assistant turns trained on" />
          <StatCard
            label="Total tokens"
            value={`${exact ? '' : '≈ '}${formatCompact(stats.totalTokens)}`}
            hint={exact ? "exact, with the model's tokenizer" : 'estimated: no exact tokenizer for this model'}
          />
          <StatCard
            label="Tokens per example"
            value={formatNumber(stats.tokensPerExample.mean, 0)}
            hint={`mean · min ${formatInteger(stats.tokensPerExample.min)} · p95 ${formatInteger(stats.tokensPerExample.p95)} · max ${formatInteger(stats.tokensPerExample.max)}`}
          />
          <StatCard
            label="Over context"
            value={formatInteger(stats.examplesOverContext)}
            hint={`longer than ${formatCompact(dataset.baseModel.contextLength)} tokens`}
            tone={stats.examplesOverContext > 0 ? 'warning' : undefined}
          />
          <StatCard label="Duplicates" value={formatInteger(stats.duplicates)} tone={stats.duplicates > 0 ? 'warning' : undefined} />
          <StatCard
            label="Messages by role"
            value={formatInteger(stats.roleCounts.system + stats.roleCounts.user + stats.roleCounts.assistant)}
            hint={`system ${formatInteger(stats.roleCounts.system)} · user ${formatInteger(stats.roleCounts.user)} · assistant ${formatInteger(stats.roleCounts.assistant)}`}
          />
        </StatGrid>
      )}

      <div className="two-columns">
        {stats && (
          <Panel title="Tokens per example">
            <TokenHistogram buckets={stats.histogram} />
          </Panel>
        )}
        <Panel title="File">
          <Facts
            items={[
              ['File', dataset.fileName],
              ['Size', formatBytes(dataset.fileSize)],
              ['Format', FORMAT_LABELS[dataset.format]],
              ['Base model', `${dataset.baseModel.name} (${formatCompact(dataset.baseModel.contextLength)} context)`],
              ['Uploaded', <Time key="u" iso={dataset.createdAt} relative={false} />],
              ['Validated', <Time key="v" iso={dataset.validatedAt} relative={false} />],
              ...(dataset.description ? ([['Description', dataset.description]] as [string, string][]) : []),
              [
                'Training jobs',
                <Link key="j" to={`/training/jobs?datasetId=${encodeURIComponent(dataset.id)}`}>
                  Jobs on this dataset
                </Link>,
              ],
            ]}
          />
        </Panel>
      </div>

      {validation && (
        <Panel
          title={
            validation.errorCount + validation.warningCount === 0
              ? 'Validation'
              : `Validation: ${formatInteger(validation.errorCount)} ${validation.errorCount === 1 ? 'error' : 'errors'}, ${formatInteger(validation.warningCount)} ${validation.warningCount === 1 ? 'warning' : 'warnings'}`
          }
        >
          {validation.errorCount + validation.warningCount === 0 ? (
            <Alert tone="success">Every line is valid. No warnings.</Alert>
          ) : (
            <IssueTable
              key={dataset.validatedAt}
              datasetId={dataset.id}
              fileName={dataset.fileName}
              groups={validation.groups}
              truncated={validation.truncated}
              errorCount={validation.errorCount}
              warningCount={validation.warningCount}
            />
          )}
        </Panel>
      )}

      <ConfirmDialog
        open={confirming}
        title={`Delete ${dataset.name}?`}
        confirmLabel="Delete dataset"
        busy={deleting.fetching}
        onConfirm={remove}
        onClose={() => setConfirming(false)}
      >
        The dataset disappears from your lists. Jobs already trained on it keep their results. A dataset used by a running job cannot be deleted.
      </ConfirmDialog>
    </>
  );
}
