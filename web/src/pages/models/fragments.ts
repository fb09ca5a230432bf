// The model fields the model list and the cache updates share.
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

/** How a quality warning's code reads beside the stars. */
export const QUALITY_WARNING_LABELS: Record<string, string> = { OVERFITTING: 'Overfitting', POOR_GENERALIZATION: 'Poor generalisation' };
