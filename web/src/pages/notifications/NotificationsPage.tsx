// /notifications: the inbox, newest first, live; open one (marks it read), mark one or all read.
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { Alert, EmptyState, ErrorState, Loading } from '../../components/States';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import { useTitle } from '../../lib/hooks';

const Notifications = graphql(`
  query Notifications($first: Int!, $after: String, $unreadOnly: Boolean) {
    unreadNotificationCount
    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
      totalCount
      edges {
        cursor
        node {
          ...NotificationItem
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const MarkNotificationRead = graphql(`
  mutation MarkNotificationRead($id: ID!) {
    markNotificationRead(id: $id) {
      __typename
      ... on MarkNotificationReadPayload {
        unreadCount
        notification {
          id
          read
          readAt
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const MarkAllNotificationsRead = graphql(`
  mutation MarkAllNotificationsRead {
    markAllNotificationsRead {
      count
      readAt
      unreadCount
    }
  }
`);

const PAGE_SIZE = 25;
const TONES: Record<string, string> = {
  DATASET_INVALID: 'bad',
  JOB_FAILED: 'bad',
  ARTIFACT_FAILED: 'bad',
  COST_CAP_REACHED: 'warning',
  BUDGET_THRESHOLD: 'warning',
  BUDGET_REACHED: 'warning',
  DATASET_VALIDATED: 'good',
  JOB_COMPLETED: 'good',
  ARTIFACT_READY: 'good',
};

export function NotificationsPage() {
  useTitle('Notifications');
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [after, setAfter] = useState<{ unreadOnly: boolean; cursor: string } | null>(null);
  const [{ data, error, fetching }, reload] = useQuery({
    query: Notifications,
    variables: { first: PAGE_SIZE, after: after?.unreadOnly === unreadOnly ? after.cursor : null, unreadOnly },
  });
  const [, markRead] = useMutation(MarkNotificationRead);
  const [markingAll, markAllRead] = useMutation(MarkAllNotificationsRead);
  const [failure, setFailure] = useState<string | null>(null);
  const list = data?.notifications;
  const unread = data?.unreadNotificationCount ?? 0;

  async function read(id: string) {
    const result = await markRead({ id });
    const outcome = result.data?.markNotificationRead;
    if (outcome?.__typename !== 'MarkNotificationReadPayload') setFailure(outcome && 'message' in outcome ? outcome.message : (result.error?.message ?? 'Could not mark it read.'));
  }

  return (
    <>
      <PageHeader
        title="Notifications"
        subtitle={unread > 0 ? `${unread} unread` : 'You are all caught up.'}
        actions={
          <button type="button" className="button" disabled={unread === 0 || markingAll.fetching} onClick={() => void markAllRead({})}>
            Mark all read
          </button>
        }
      />
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Show">
          <button type="button" className="segment" aria-pressed={!unreadOnly} onClick={() => setUnreadOnly(false)}>
            All
          </button>
          <button type="button" className="segment" aria-pressed={unreadOnly} onClick={() => setUnreadOnly(true)}>
            Unread
          </button>
        </div>
      </div>
      {failure && <Alert>{failure}</Alert>}
      {error && !list ? (
        <ErrorState error={error} retry={() => reload({ requestPolicy: 'network-only' })} />
      ) : !list ? (
        <Loading label="Loading notifications…" />
      ) : list.edges.length === 0 ? (
        <EmptyState title={unreadOnly ? 'Nothing unread' : 'No notifications yet'}>
          Validations, training runs, cost caps and new models are announced here the moment they happen.
        </EmptyState>
      ) : (
        <>
          <ul className="inbox">
            {list.edges.map(({ node }) => (
              <li key={node.id} className={`inbox-item ${node.read ? '' : 'inbox-unread'} inbox-${TONES[node.type] ?? 'plain'}`} data-read={node.read}>
                <span className="inbox-dot" aria-hidden="true" />
                <div className="inbox-body">
                  <div className="inbox-title">
                    {node.title}
                    {node.priority === 'HIGH' && <span className="count count-error">Important</span>}
                  </div>
                  <div className="inbox-message">{node.message}</div>
                  <div className="muted small">
                    <Time iso={node.createdAt} />
                    {!node.read && <span className="visually-hidden"> · unread</span>}
                  </div>
                </div>
                <div className="inbox-actions">
                  {node.link && (
                    <Link className="button button-small" to={node.link} onClick={() => !node.read && void read(node.id)}>
                      Open
                    </Link>
                  )}
                  {!node.read && (
                    <button type="button" className="button button-small button-ghost" onClick={() => void read(node.id)}>
                      Mark read
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
          <LoadMore
            shown={list.edges.length}
            total={list.totalCount}
            hasMore={list.pageInfo.hasNextPage}
            loading={fetching}
            onMore={() => list.pageInfo.endCursor && setAfter({ unreadOnly, cursor: list.pageInfo.endCursor })}
          />
        </>
      )}
    </>
  );
}
