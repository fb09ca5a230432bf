// The navigation's inbox link with the unread count, kept live by notificationAdded on every page.
import { NavLink } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { graphql } from '../../gql';

const UnreadCount = graphql(`
  query UnreadCount {
    unreadNotificationCount
  }
`);

const NotificationAdded = graphql(`
  subscription NotificationAdded {
    notificationAdded {
      ...NotificationItem
    }
  }
`);

export function NotificationBell() {
  const [{ data }] = useQuery({ query: UnreadCount });
  useSubscription({ query: NotificationAdded });
  const unread = data?.unreadNotificationCount ?? 0;
  return (
    <NavLink
      to="/notifications"
      className={({ isActive }) => `nav-link ${isActive ? 'active' : ''}`}
      aria-label={unread > 0 ? `Inbox, ${unread} unread` : 'Inbox'}
    >
      Inbox
      {unread > 0 && (
        <span className="bell-count" data-testid="unread-count">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </NavLink>
  );
}
