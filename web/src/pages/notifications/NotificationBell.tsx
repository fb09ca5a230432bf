// The navigation's inbox link with the unread count, kept live by notificationAdded on every page.
import { NavLink } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { graphql } from '../../gql';
import { UnreadCountQuery } from './fragments';

const NotificationAdded = graphql(`
  subscription NotificationAdded {
    notificationAdded {
      ...NotificationItem
    }
  }
`);

export function NotificationBell() {
  const [{ data }] = useQuery({ query: UnreadCountQuery });
  useSubscription({ query: NotificationAdded });
  const unread = data?.unreadNotificationCount ?? 0;
  return (
    // The name is the visible text plus a hidden word, "Inbox 4 unread", so voice control finds it by what it shows.
    <NavLink to="/notifications" className={({ isActive }) => `nav-link ${isActive ? 'active' : ''}`}>
      Inbox
      {unread > 0 && (
        <>
          {' '}
          <span className="bell-count" data-testid="unread-count">
            {unread > 99 ? '99+' : unread}
          </span>
          <span className="visually-hidden"> unread</span>
        </>
      )}
    </NavLink>
  );
}
