// The notification fields and queries the inbox, the badge and the cache updates share.
import { graphql } from '../../gql';

export const NotificationItemFragment = graphql(`
  fragment NotificationItem on Notification {
    id
    type
    title
    message
    priority
    link
    metadata
    read
    readAt
    createdAt
  }
`);

/** The inbox, page by page, with the unread count its header shows. */
export const NotificationsQuery = graphql(`
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

export const UnreadCountQuery = graphql(`
  query UnreadCount {
    unreadNotificationCount
  }
`);
