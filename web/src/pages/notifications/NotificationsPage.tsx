// /notifications: the inbox, newest first, live; open one (marks it read), mark one or all read.
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { PagedList } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { Segmented } from '../../components/Segmented';
import { Alert, EmptyState } from '../../components/States';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import { useTitle } from '../../lib/hooks';
import { usePagedConnection } from '../../lib/paging';
import { outcome } from '../../lib/outcome';
import { NotificationsQuery } from './fragments';

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
      ...ActionFailure
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
const SHOW = [
  { value: false, label: 'All' },
  { value: true, label: 'Unread' },
];
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
  const paged = usePagedConnection(NotificationsQuery, { unreadOnly }, (data) => data.notifications, PAGE_SIZE);
  const [, markRead] = useMutation(MarkNotificationRead);
  const [markingAll, markAllRead] = useMutation(MarkAllNotificationsRead);
  const [failure, setFailure] = useState<string | null>(null);
  const unread = paged.data?.unreadNotificationCount ?? 0;

  async function read(id: string) {
    const result = await markRead({ id });
    const { failure } = outcome(result.data?.markNotificationRead, 'MarkNotificationReadPayload', result.error, 'Could not mark it read.');
    if (failure) setFailure(failure);
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
        <Segmented label="Show" options={SHOW} value={unreadOnly} onChange={setUnreadOnly} />
      </div>
      {failure && <Alert>{failure}</Alert>}
      <PagedList
        paged={paged}
        loading="Loading notifications…"
        empty={
          <EmptyState title={unreadOnly ? 'Nothing unread' : 'No notifications yet'}>
            Validations, training runs, cost caps and new models are announced here the moment they happen.
          </EmptyState>
        }
      >
        {(notifications) => (
          <ul className="inbox">
            {notifications.map((node) => (
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
        )}
      </PagedList>
    </>
  );
}
