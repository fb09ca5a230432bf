// Settings → Webhooks: endpoints that receive the caller's events (add with the secret shown once, send a test
// event, rotate the secret, disable or enable, delete), each endpoint's latest deliveries with every attempt, and
// redeliver. Attempts arrive live over webhookDeliveryUpdated.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Panel } from '../../components/Card';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field, problemsByPath } from '../../components/Field';
import { Alert, EmptyState, ErrorState, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import type { WebhookDeliveryFieldsFragment, WebhookEventType } from '../../gql/graphql';

const EVENT_TYPES: { type: WebhookEventType; label: string }[] = [
  { type: 'DATASET_READY', label: 'Dataset ready' },
  { type: 'DATASET_INVALID', label: 'Dataset invalid' },
  { type: 'TRAINING_JOB_STARTED', label: 'Training started' },
  { type: 'TRAINING_JOB_COMPLETED', label: 'Training completed' },
  { type: 'TRAINING_JOB_FAILED', label: 'Training failed' },
  { type: 'TRAINING_JOB_CANCELLED', label: 'Training cancelled' },
  { type: 'TRAINING_JOB_COST_CAP_REACHED', label: 'Cost cap reached' },
  { type: 'MODEL_STORED', label: 'Model stored' },
];

graphql(`
  fragment WebhookDeliveryFields on WebhookDelivery {
    id
    eventId
    eventType
    status
    attemptCount
    nextAttemptAt
    createdAt
    attempts {
      startedAt
      durationMs
      succeeded
      responseStatus
      responseBody
      error
    }
  }
`);

const WebhookEndpoints = graphql(`
  query WebhookEndpoints {
    webhookEndpoints(first: 20) {
      edges {
        node {
          id
          url
          description
          eventTypes
          enabled
          disabledReason
          previousSecretExpiresAt
          deliveries(first: 5) {
            totalCount
            edges {
              node {
                ...WebhookDeliveryFields
              }
            }
          }
        }
      }
    }
  }
`);

const WebhookDeliveryLive = graphql(`
  subscription WebhookDeliveryLive {
    webhookDeliveryUpdated {
      ...WebhookDeliveryFields
    }
  }
`);

const CreateWebhookEndpoint = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      __typename
      ... on WebhookEndpointSecretPayload {
        secret
        webhookEndpoint {
          id
          url
        }
      }
      ... on InvalidInputError {
        ...InvalidInputProblems
      }
    }
  }
`);

const RotateWebhookSecret = graphql(`
  mutation RotateWebhookSecret($id: ID!) {
    rotateWebhookEndpointSecret(id: $id) {
      __typename
      ... on WebhookEndpointSecretPayload {
        secret
        webhookEndpoint {
          id
          url
          previousSecretExpiresAt
        }
      }
      ...ActionFailure
    }
  }
`);

const UpdateWebhookEndpoint = graphql(`
  mutation UpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) {
      __typename
      ... on WebhookEndpointPayload {
        webhookEndpoint {
          id
          enabled
          disabledReason
        }
      }
      ...ActionFailure
    }
  }
`);

const DeleteWebhookEndpoint = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id) {
      __typename
      ...ActionFailure
    }
  }
`);

/** What sending a test event and redelivering answer: the delivery, or why not. */
graphql(`
  fragment WebhookDeliveryOutcome on WebhookDeliveryPayload {
    delivery {
      ...WebhookDeliveryFields
    }
  }
`);

const SendWebhookTest = graphql(`
  mutation SendWebhookTest($id: ID!) {
    sendWebhookTestEvent(id: $id) {
      __typename
      ...WebhookDeliveryOutcome
      ...ActionFailure
    }
  }
`);

const RedeliverWebhook = graphql(`
  mutation RedeliverWebhook($id: ID!) {
    redeliverWebhookDelivery(id: $id) {
      __typename
      ...WebhookDeliveryOutcome
      ...ActionFailure
    }
  }
`);

type Delivery = WebhookDeliveryFieldsFragment;

export function WebhooksPanel() {
  const [{ data, error }, reload] = useQuery({ query: WebhookEndpoints });
  const refresh = () => reload({ requestPolicy: 'network-only' });
  const endpoints = data?.webhookEndpoints.edges.map((e) => e.node);
  const known = new Set(endpoints?.flatMap((e) => e.deliveries.edges.map((d) => d.node.id)));
  // A delivery the list does not hold yet (a new event) re-reads the list; a known one updates in the cache.
  useSubscription({ query: WebhookDeliveryLive, pause: !endpoints }, (_previous, next) => {
    if (!known.has(next.webhookDeliveryUpdated.id)) refresh();
    return next;
  });
  const [creating, create] = useMutation(CreateWebhookEndpoint);
  const [, rotate] = useMutation(RotateWebhookSecret);
  const [, update] = useMutation(UpdateWebhookEndpoint);
  const [, remove] = useMutation(DeleteWebhookEndpoint);
  const [, sendTest] = useMutation(SendWebhookTest);
  const [, redeliver] = useMutation(RedeliverWebhook);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<WebhookEventType[]>(['TRAINING_JOB_COMPLETED', 'MODEL_STORED']);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<{ url: string; value: string; rotated: boolean } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; url: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblems({});
    const result = await create({ input: { url: url.trim(), eventTypes: types, description: description.trim() } });
    const outcome = result.data?.createWebhookEndpoint;
    if (outcome?.__typename === 'WebhookEndpointSecretPayload') {
      setSecret({ url: outcome.webhookEndpoint.url, value: outcome.secret, rotated: false });
      setUrl('');
      setDescription('');
      refresh();
    } else if (outcome?.__typename === 'InvalidInputError') setProblems(problemsByPath(outcome.problems));
    else setProblems({ url: result.error?.message ?? 'The endpoint could not be added.' });
  }

  /** Runs an action; a typed error or a failed request shows above the list. */
  async function act(run: () => Promise<{ data?: Record<string, { __typename?: string; message?: string } | null | undefined>; error?: { message: string } }>) {
    setActionError(null);
    const result = await run();
    const outcome = result.data && Object.values(result.data)[0];
    if (!outcome || (outcome.message && outcome.__typename?.endsWith('Error'))) setActionError(outcome?.message ?? result.error?.message ?? 'That did not work.');
    return outcome;
  }

  return (
    <Panel title="Webhooks">
      <p className="muted">
        Events are POSTed to your URL as JSON, signed as the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> specification says (
        <span className="mono">webhook-id</span>, <span className="mono">webhook-timestamp</span>, <span className="mono">webhook-signature</span>). Failed deliveries are retried
        for about a day.
      </p>
      <form className="stack-form" onSubmit={submit} aria-label="Add a webhook endpoint">
        <Field label="Endpoint URL" hint="https://… where your tool listens." error={problems.url}>
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://example.com/brightrun" />
        </Field>
        <Field label="Description" hint="What it is for (optional)." error={problems.description}>
          <input type="text" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
        </Field>
        <fieldset className="checkbox-group">
          <legend>Events</legend>
          {EVENT_TYPES.map(({ type, label }) => (
            <label key={type} className="checkbox">
              <input type="checkbox" checked={types.includes(type)} onChange={(e) => setTypes((now) => (e.target.checked ? [...now, type] : now.filter((t) => t !== type)))} />
              {label}
            </label>
          ))}
          {problems.eventTypes && <p className="field-error">{problems.eventTypes}</p>}
        </fieldset>
        <button type="submit" className="button button-primary" disabled={creating.fetching || !url.trim() || types.length === 0}>
          {creating.fetching ? 'Adding…' : 'Add endpoint'}
        </button>
      </form>
      {secret && (
        <Alert tone="success" title={`${secret.rotated ? 'New secret' : 'Signing secret'} for ${secret.url}: copy it now, it will not be shown again`}>
          <code className="mono secret">{secret.value}</code>
        </Alert>
      )}
      {actionError && <Alert title="Not done">{actionError}</Alert>}
      {!endpoints ? (
        error ? (
          <ErrorState error={error} retry={refresh} />
        ) : (
          <Loading />
        )
      ) : endpoints.length === 0 ? (
        <EmptyState title="No webhook endpoints yet">Add one to have training events pushed to your tools.</EmptyState>
      ) : (
        <ul className="webhook-endpoints">
          {endpoints.map((endpoint) => (
            <li key={endpoint.id} className="webhook-endpoint" aria-label={`Endpoint ${endpoint.url}`}>
              <div className="webhook-endpoint-head">
                <span className="row-title mono">{endpoint.url}</span>{' '}
                {endpoint.enabled ? <StatusBadge status="READY" label="Enabled" /> : <StatusBadge status="FAILED" label="Disabled" />}
                {endpoint.description && <p className="muted">{endpoint.description}</p>}
                {endpoint.disabledReason && <p className="muted">{endpoint.disabledReason}</p>}
                <p className="muted">{endpoint.eventTypes.map((t) => EVENT_TYPES.find((e) => e.type === t)?.label ?? t).join(', ')}</p>
              </div>
              <div className="button-row">
                <button type="button" className="button button-small" disabled={!endpoint.enabled} onClick={() => void act(() => sendTest({ id: endpoint.id })).then(refresh)}>
                  Send test event
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() =>
                    void act(() => rotate({ id: endpoint.id })).then((outcome) => {
                      if (outcome && 'secret' in outcome) setSecret({ url: endpoint.url, value: String(outcome.secret), rotated: true });
                    })
                  }
                >
                  Rotate secret
                </button>
                <button type="button" className="button button-small" onClick={() => void act(() => update({ input: { id: endpoint.id, enabled: !endpoint.enabled } }))}>
                  {endpoint.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" className="button button-small button-ghost-danger" onClick={() => setDeleting({ id: endpoint.id, url: endpoint.url })}>
                  Delete
                </button>
              </div>
              <Deliveries
                deliveries={endpoint.deliveries.edges.map((e) => e.node)}
                total={endpoint.deliveries.totalCount}
                onRedeliver={(id) => void act(() => redeliver({ id }))}
              />
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the endpoint ${deleting?.url ?? ''}?`}
        confirmLabel="Delete endpoint"
        onConfirm={() => {
          const id = deleting?.id;
          setDeleting(null);
          if (id) void act(() => remove({ id })).then(refresh);
        }}
        onClose={() => setDeleting(null)}
      >
        Nothing more is sent to it, and its delivery history is deleted.
      </ConfirmDialog>
    </Panel>
  );
}

function Deliveries({ deliveries, total, onRedeliver }: { deliveries: Delivery[]; total: number; onRedeliver: (id: string) => void }) {
  if (deliveries.length === 0) return <p className="muted">No deliveries yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-cards" aria-label="Latest deliveries">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id} data-delivery={d.eventId}>
              <td data-label="Event">
                <span className="mono">{d.eventType.toLowerCase().replace('_', '.')}</span> <Time iso={d.createdAt} />
              </td>
              <td data-label="Status">
                <StatusBadge status={d.status === 'SUCCEEDED' ? 'COMPLETED' : d.status} label={d.status === 'SUCCEEDED' ? 'Delivered' : undefined} />
              </td>
              <td data-label="Attempts">
                <ol className="attempts">
                  {d.attempts.map((a) => (
                    <li key={a.startedAt} className="attempt">
                      <span className="mono">{a.responseStatus ?? 'no answer'}</span> in {a.durationMs} ms, <Time iso={a.startedAt} />
                      {a.error && <span className="muted"> · {a.error}</span>}
                      {a.responseBody && <span className="muted mono"> · {a.responseBody.slice(0, 120)}</span>}
                    </li>
                  ))}
                </ol>
                {d.status === 'PENDING' && d.nextAttemptAt && d.attemptCount > 0 && (
                  <span className="muted">
                    Next try <Time iso={d.nextAttemptAt} />
                  </span>
                )}
              </td>
              <td data-label="">
                {d.status !== 'PENDING' && (
                  <button type="button" className="button button-small" onClick={() => onRedeliver(d.id)}>
                    Redeliver
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > deliveries.length && (
        <p className="muted">
          The latest {deliveries.length} of {total} deliveries.
        </p>
      )}
    </div>
  );
}
