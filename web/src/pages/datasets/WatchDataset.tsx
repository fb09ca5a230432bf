// Listens to one dataset while it uploads or validates; the cache applies each change wherever it is shown.
import { useSubscription } from 'urql';
import { graphql } from '../../gql';

const DatasetRowUpdated = graphql(`
  subscription DatasetRowUpdated($id: ID!) {
    datasetUpdated(id: $id) {
      ...DatasetRow
    }
  }
`);

export function WatchDataset({ id }: { id: string }) {
  useSubscription({ query: DatasetRowUpdated, variables: { id } });
  return null;
}
