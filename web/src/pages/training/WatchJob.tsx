// Listens to one training job while it is active; the cache applies each change wherever it is shown.
import { useSubscription } from 'urql';
import { graphql } from '../../gql';

const JobRowUpdated = graphql(`
  subscription JobRowUpdated($id: ID!) {
    trainingJobUpdated(id: $id) {
      ...JobRow
    }
  }
`);

export function WatchJob({ id }: { id: string }) {
  useSubscription({ query: JobRowUpdated, variables: { id } });
  return null;
}
