// The model fields and the list query the model list and the cache updates share.
import { graphql } from '../../gql';

export const ModelRowFragment = graphql(`
  fragment ModelRow on Model {
    id
    name
    status
    createdAt
    storedAt
    totalSize
    quality {
      rating
      finalValidationLoss
    }
    baseModel {
      id
      name
    }
    dataset {
      id
      name
    }
    job {
      id
      name
    }
  }
`);

/** A row of the model list: what every model list and the cache's additions to it hold. */
export const ModelListRowFragment = graphql(`
  fragment ModelListRow on Model {
    ...ModelRow
    quality {
      bestValidationLoss
      finalTrainingLoss
      warnings {
        code
        message
      }
    }
  }
`);

/** The model list, page by page; the cache keeps every cached page of it right after a change. */
export const ModelListQuery = graphql(`
  query ModelList($first: Int!, $after: String, $status: [ModelStatus!], $orderBy: ModelOrder) {
    models(first: $first, after: $after, status: $status, orderBy: $orderBy) {
      totalCount
      edges {
        cursor
        node {
          ...ModelListRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** How a quality warning's code reads beside the stars. */
export const QUALITY_WARNING_LABELS: Record<string, string> = { OVERFITTING: 'Overfitting', POOR_GENERALIZATION: 'Poor generalisation' };
