// /settings: who you are signed in as, API keys for third-party tools (create, shown once; revoke), and webhooks.
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { Facts, Panel } from '../../components/Card';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field, problemsByPath } from '../../components/Field';
import { PagedList } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { Alert, EmptyState, QueryStates } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Table, type Column } from '../../components/Table';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import type { ApiKeyRowFragment } from '../../gql/graphql';
import { useTitle } from '../../lib/hooks';
import { usePagedConnection } from '../../lib/paging';
import { outcome } from '../../lib/outcome';
import { useSession } from '../../session';
import { SettingsQuery } from './fragments';
import { WebhooksPanel } from './WebhooksPanel';

const CreateApiKey = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload {
        secret
        apiKey {
          ...ApiKeyRow
        }
      }
      ... on InvalidInputError {
        ...InvalidInputProblems
      }
    }
  }
`);

const RevokeApiKey = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on RevokeApiKeyPayload {
        apiKey {
          id
          revokedAt
        }
      }
      ...ActionFailure
    }
  }
`);

export function SettingsPage() {
  useTitle('Settings');
  const { session } = useSession();
  const keys = usePagedConnection(SettingsQuery, {}, (data) => data.me?.apiKeys);
  const [creating, createApiKey] = useMutation(CreateApiKey);
  const [, revokeApiKey] = useMutation(RevokeApiKey);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setNameError(null);
    const result = await createApiKey({ input: { name: name.trim() } });
    const answer = result.data?.createApiKey;
    if (answer?.__typename === 'CreateApiKeyPayload') {
      setSecret({ name: answer.apiKey.name, value: answer.secret });
      setCopied(false);
      setName('');
    } else if (answer?.__typename === 'InvalidInputError') {
      setNameError(problemsByPath(answer.problems).name ?? answer.message);
    } else setNameError(result.error?.message ?? 'The key could not be created.');
  }

  async function revoke() {
    if (!revoking) return;
    const id = revoking.id;
    setRevoking(null);
    const result = await revokeApiKey({ id });
    setRevokeError(outcome(result.data?.revokeApiKey, 'RevokeApiKeyPayload', undefined, 'The key could not be revoked.').failure);
  }

  const columns: Column<ApiKeyRowFragment>[] = [
    {
      label: 'Name',
      cell: (node) => (
        <>
          <span className="row-title">{node.name}</span> {node.revokedAt && <StatusBadge status="CANCELLED" label="Revoked" />}
        </>
      ),
    },
    { label: 'Key', cell: (node) => <span className="mono">{node.prefix}…</span> },
    { label: 'Created', cell: (node) => <Time iso={node.createdAt} /> },
    { label: 'Last used', cell: (node) => (node.lastUsedAt ? <Time iso={node.lastUsedAt} /> : <span className="muted">never</span>) },
    {
      label: 'Actions',
      hideLabel: true,
      cellLabel: '',
      cell: (node) =>
        !node.revokedAt && (
          <button type="button" className="button button-small button-ghost-danger" onClick={() => setRevoking({ id: node.id, name: node.name })}>
            Revoke
          </button>
        ),
    },
  ];

  return (
    <>
      <PageHeader title="Settings" subtitle="Your account, and the API keys and webhooks third-party tools use." />
      <Panel title="Account">
        <QueryStates data={keys.data?.me} error={keys.error} retry={keys.retry}>
          {(me) => (
            <Facts
              items={[
                ['Email', me.email ?? '—'],
                ['Name', me.name ?? '—'],
                ['Signed in with', session.source === 'local' ? 'the local user of this embedded server' : 'a pasted token or API key'],
                ['Member since', <Time key="c" iso={me.createdAt} relative={false} />],
              ]}
            />
          )}
        </QueryStates>
      </Panel>

      <Panel title="API keys">
        <p className="muted">
          Send a key as <span className="mono">Authorization: Bearer &lt;key&gt;</span> to <span className="mono">/graphql</span>. The key is shown once, when it is created.
        </p>
        <form className="inline-form" onSubmit={create}>
          <Field label="New key name" hint='What it is for, e.g. "CI pipeline".' error={nameError}>
            <input type="text" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
          </Field>
          <button type="submit" className="button button-primary" disabled={creating.fetching || !name.trim()}>
            {creating.fetching ? 'Creating…' : 'Create key'}
          </button>
        </form>
        {secret && (
          <Alert tone="success" title={`Key "${secret.name}" created: copy it now, it will not be shown again`}>
            <div className="secret">
              <code className="mono">{secret.value}</code>
              <button type="button" className="button button-small" onClick={() => void navigator.clipboard?.writeText(secret.value).then(() => setCopied(true))}>
                {copied ? 'Copied' : 'Copy'}
              </button>
            </div>
          </Alert>
        )}
        {revokeError && <Alert title="Not revoked">{revokeError}</Alert>}
        <PagedList paged={keys} quietError empty={<EmptyState title="No API keys yet">Create one for each tool that calls the API, so you can revoke them one by one.</EmptyState>}>
          {(apiKeys) => <Table columns={columns} rows={apiKeys} />}
        </PagedList>
      </Panel>
      <WebhooksPanel />
      <ConfirmDialog open={revoking !== null} title={`Revoke "${revoking?.name ?? ''}"?`} confirmLabel="Revoke key" onConfirm={revoke} onClose={() => setRevoking(null)}>
        Requests with this key are refused from now on. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
