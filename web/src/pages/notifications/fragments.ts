// The notification fields the inbox, the badge's live feed and the cache updates share.
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
