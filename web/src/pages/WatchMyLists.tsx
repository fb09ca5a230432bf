// Listens, on every page, to the signed-in user's list feed: a dataset, job or model created or changed anywhere
// (another tab, an API key, a worker) reaches every cached list through the cache's myListsChanged update.
import { useSubscription } from 'urql';
import { graphql } from '../gql';

const MyListsChanged = graphql(`
  subscription MyListsChanged {
    myListsChanged {
      dataset {
        ...DatasetRow
      }
      trainingJob {
        ...JobListRow
      }
      model {
        ...ModelListRow
      }
    }
  }
`);

export function WatchMyLists() {
  useSubscription({ query: MyListsChanged });
  return null;
}
