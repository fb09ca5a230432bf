// The API key fields and the settings query (with its page of keys) the settings page and the cache updates share.
import { graphql } from '../../gql';

export const ApiKeyRowFragment = graphql(`
  fragment ApiKeyRow on ApiKey {
    id
    name
    prefix
    createdAt
    lastUsedAt
    revokedAt
  }
`);

export const SettingsQuery = graphql(`
  query Settings($first: Int!, $after: String) {
    me {
      id
      email
      name
      createdAt
      apiKeys(first: $first, after: $after) {
        totalCount
        edges {
          cursor
          node {
            ...ApiKeyRow
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);
