// graphcache, on purpose: the generated schema, relayPagination for every connection, an update for every
// mutation and live event that changes a list, optimistic answers where the outcome is near certain.
import { cacheExchange, type Cache, type Variables } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { graphql } from '../gql';
import type {
  CachedApiKeyListsQuery,
  CachedDatasetListsQuery,
  CachedJobListsQuery,
  CachedModelListsQuery,
  CachedNotificationListsQuery,
  DatasetFilter,
  DatasetRowFragment,
  JobRowFragment,
  ModelRowFragment,
  NotificationItemFragment,
  TrainingJobFilter,
} from '../gql/graphql';
import schema from '../gql/introspection';
import { addNewToLists, addToLists, cachedIds, editLists, invalidateLists, refreshListsMissing, removeFromLists, type ListSpec } from './connections';

const DatasetListsQuery = graphql(`
  query CachedDatasetLists($first: Int, $after: String, $filter: DatasetFilter) {
    datasets(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        cursor
        node {
          ...DatasetRow
        }
      }
    }
  }
`);

const ApiKeyListsQuery = graphql(`
  query CachedApiKeyLists($first: Int, $after: String) {
    me {
      id
      apiKeys(first: $first, after: $after) {
        totalCount
        edges {
          cursor
          node {
            ...ApiKeyRow
          }
        }
      }
    }
  }
`);

const JobListsQuery = graphql(`
  query CachedJobLists($first: Int, $after: String, $filter: TrainingJobFilter) {
    trainingJobs(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        cursor
        node {
          ...JobRow
        }
      }
    }
  }
`);

const ModelListsQuery = graphql(`
  query CachedModelLists($first: Int, $after: String, $status: [ModelStatus!], $orderBy: ModelOrder) {
    models(first: $first, after: $after, status: $status, orderBy: $orderBy) {
      totalCount
      edges {
        cursor
        node {
          ...ModelRow
        }
      }
    }
  }
`);

const NotificationListsQuery = graphql(`
  query CachedNotificationLists($first: Int, $after: String, $unreadOnly: Boolean) {
    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
      totalCount
      edges {
        cursor
        node {
          ...NotificationItem
        }
      }
    }
  }
`);

const UnreadCountQuery = graphql(`
  query CachedUnreadCount {
    unreadNotificationCount
  }
`);

const NotificationReadFragment = graphql(`
  fragment NotificationRead on Notification {
    id
    read
    readAt
  }
`);

const onQuery = () => 'Query';
const onMe = (cache: Cache) => {
  const me = cache.resolve('Query', 'me');
  return typeof me === 'string' ? me : null;
};

const datasetLists: ListSpec<CachedDatasetListsQuery, DatasetRowFragment> = {
  parent: onQuery,
  field: 'datasets',
  query: DatasetListsQuery,
  connection: (data) => data.datasets,
  edgeTypename: 'QueryDatasetsConnectionEdge',
};

const apiKeyLists: ListSpec<CachedApiKeyListsQuery, { id: string }> = {
  parent: onMe,
  field: 'apiKeys',
  query: ApiKeyListsQuery,
  connection: (data) => data.me?.apiKeys,
  edgeTypename: 'UserApiKeysConnectionEdge',
};

const jobLists: ListSpec<CachedJobListsQuery, JobRowFragment> = {
  parent: onQuery,
  field: 'trainingJobs',
  query: JobListsQuery,
  connection: (data) => data.trainingJobs,
  edgeTypename: 'QueryTrainingJobsConnectionEdge',
};

const modelLists: ListSpec<CachedModelListsQuery, ModelRowFragment> = {
  parent: onQuery,
  field: 'models',
  query: ModelListsQuery,
  connection: (data) => data.models,
  edgeTypename: 'QueryModelsConnectionEdge',
};

const notificationLists: ListSpec<CachedNotificationListsQuery, NotificationItemFragment> = {
  parent: onQuery,
  field: 'notifications',
  query: NotificationListsQuery,
  connection: (data) => data.notifications,
  edgeTypename: 'QueryNotificationsConnectionEdge',
};

function setUnreadCount(cache: Cache, count: (current: number) => number) {
  cache.updateQuery({ query: UnreadCountQuery }, (data) => (data ? { ...data, unreadNotificationCount: Math.max(0, count(data.unreadNotificationCount)) } : data));
}

/**
 * Notifications are the one live feed every page listens to. Besides the inbox, an artifact notification
 * is the signal that a model changed: its lists, the model and its job's `artifact` are read again when shown.
 */
function notificationArrived(cache: Cache, notification: NotificationItemFragment) {
  addToLists(cache, notificationLists, notification, (args) => !args.unreadOnly || !notification.read);
  if (!notification.read) setUnreadCount(cache, (n) => n + 1);
  if (notification.type === 'ARTIFACT_READY' || notification.type === 'ARTIFACT_FAILED') {
    const { modelId, jobId } = (notification.metadata ?? {}) as { modelId?: string; jobId?: string };
    invalidateLists(cache, modelLists);
    if (modelId) cache.invalidate({ __typename: 'Model', id: modelId });
    if (jobId) cache.invalidate({ __typename: 'TrainingJob', id: jobId }, 'artifact');
  }
}

function jobFits(args: Record<string, unknown>, job: JobRowFragment): boolean {
  const filter = args.filter as TrainingJobFilter | null | undefined;
  if (filter?.status?.length && !filter.status.includes(job.status)) return false;
  if (filter?.datasetId && job.dataset?.id && filter.datasetId !== job.dataset.id) return false;
  return true;
}

/** A job changed status: lists filtered by status gain or lose it. */
function jobChanged(cache: Cache, job: JobRowFragment | null | undefined) {
  if (!job?.id || job.status == null) return;
  removeFromLists(cache, jobLists, job.id, (args) => !jobFits(args, job));
  refreshListsMissing(cache, jobLists, job.id, (args) => Boolean((args.filter as TrainingJobFilter | null)?.status?.length) && jobFits(args, job));
}

function datasetFits(args: Record<string, unknown>, dataset: DatasetRowFragment): boolean {
  const filter = args.filter as DatasetFilter | null | undefined;
  if (dataset.deletedAt) return false;
  if (filter?.status?.length && !filter.status.includes(dataset.status)) return false;
  if (filter?.search && !dataset.name.toLowerCase().includes(filter.search.toLowerCase())) return false;
  return true;
}

/** A dataset changed status or was deleted: lists filtered by status gain or lose it. */
function datasetChanged(cache: Cache, dataset: DatasetRowFragment | null | undefined) {
  if (!dataset?.id) return;
  removeFromLists(cache, datasetLists, dataset.id, (args) => !datasetFits(args, dataset));
  if (dataset.status != null && !dataset.deletedAt) {
    refreshListsMissing(cache, datasetLists, dataset.id, (args) => Boolean((args.filter as DatasetFilter | null)?.status?.length) && datasetFits(args, dataset));
  }
}

/**
 * A row of the user's lists created or changed anywhere (another tab, an API key, a worker): a new one goes first
 * in the cached newest-first lists it fits, and a changed one leaves those it no longer fits.
 */
function listRowChanged(cache: Cache, change: Result | null | undefined) {
  const { dataset, trainingJob, model } = change ?? {};
  if (dataset?.id && dataset.status != null) {
    if (!dataset.deletedAt) addNewToLists(cache, datasetLists, dataset, (args) => datasetFits(args, dataset));
    datasetChanged(cache, dataset);
  }
  if (trainingJob?.id && trainingJob.status != null) {
    addNewToLists(cache, jobLists, trainingJob, (args) => jobFits(args, trainingJob));
    jobChanged(cache, trainingJob);
  }
  if (model?.id && model.status != null) {
    const fits = (args: Variables) => !(args.status as string[] | null | undefined)?.length || (args.status as string[]).includes(model.status);
    const newestFirst = (args: Variables) => (args.orderBy ?? 'NEWEST') === 'NEWEST';
    addNewToLists(cache, modelLists, model, (args) => newestFirst(args) && fits(args));
    removeFromLists(cache, modelLists, model.id, (args) => !fits(args));
    // Sorted by loss, a new or newly stored model's place is the server's to say.
    invalidateLists(cache, modelLists, (args) => !newestFirst(args) && fits(args));
  }
}

/** Object types without an id are values inside their parent (statistics, edges, metric points…). */
const keys = Object.fromEntries(
  schema.__schema.types
    .filter((type) => type.kind === 'OBJECT' && !['Query', 'Mutation', 'Subscription'].includes(type.name))
    .filter((type) => !('fields' in type) || !type.fields.some((field) => field.name === 'id'))
    .map((type) => [type.name, () => null]),
);

// biome-ignore lint/suspicious/noExplicitAny: the updaters' results are typed from the generated graphcache types in the web part of issue 17
type Result = Record<string, any>;

/**
 * Reads `field(id)` from an entity already in the cache (say, from a list) so a detail page can show it at
 * once; otherwise from what the server answered for that id (null when not found).
 */
function cached(typename: string, field: string) {
  return (_parent: unknown, args: Variables, cache: Cache) => {
    const key = cache.keyOfEntity({ __typename: typename, id: String(args.id) });
    return key && cache.resolve(key, '__typename') ? key : cache.resolve('Query', field, args);
  };
}

export function createCache() {
  return cacheExchange({
    schema,
    keys,
    resolvers: {
      Query: {
        datasets: relayPagination(),
        dataset: cached('Dataset', 'dataset'),
        trainingJobs: relayPagination(),
        trainingJob: cached('TrainingJob', 'trainingJob'),
        models: relayPagination(),
        model: cached('Model', 'model'),
        notifications: relayPagination(),
      },
      User: { apiKeys: relayPagination() },
    },
    updates: {
      Mutation: {
        createDataset(result: Result, _args, cache) {
          const payload = result.createDataset;
          if (payload?.__typename === 'CreateDatasetPayload') addToLists(cache, datasetLists, payload.dataset, (args) => datasetFits(args, payload.dataset));
        },
        confirmDatasetUpload(result: Result, _args, cache) {
          const payload = result.confirmDatasetUpload;
          if (payload?.__typename === 'DatasetPayload') datasetChanged(cache, payload.dataset);
        },
        deleteDataset(result: Result, args, cache) {
          if (result.deleteDataset?.__typename === 'DatasetPayload') removeFromLists(cache, datasetLists, String(args.id));
        },
        createApiKey(result: Result, _args, cache) {
          const payload = result.createApiKey;
          if (payload?.__typename === 'CreateApiKeyPayload') addToLists(cache, apiKeyLists, payload.apiKey);
        },
        createTrainingJob(result: Result, _args, cache) {
          const payload = result.createTrainingJob;
          if (payload?.__typename === 'TrainingJobPayload') addToLists(cache, jobLists, payload.trainingJob, (args) => jobFits(args, payload.trainingJob));
          // The new job's estimate is committed against the monthly budget.
          if (payload?.__typename === 'TrainingJobPayload') cache.invalidate('Query', 'budget');
        },
        // The budget has no id (each user has one): it is read again after a change.
        setBudget(result: Result, _args, cache) {
          if (result.setBudget?.__typename === 'SetBudgetPayload') cache.invalidate('Query', 'budget');
        },
        removeBudget(_result: Result, _args, cache) {
          cache.invalidate('Query', 'budget');
        },
        markNotificationRead(result: Result, args, cache) {
          const payload = result.markNotificationRead;
          if (payload?.__typename !== 'MarkNotificationReadPayload') return;
          setUnreadCount(cache, () => payload.unreadCount);
          removeFromLists(cache, notificationLists, String(args.id), (listArgs) => Boolean(listArgs.unreadOnly));
        },
        markAllNotificationsRead(result: Result, _args, cache) {
          const payload = result.markAllNotificationsRead;
          if (!payload) return;
          setUnreadCount(cache, () => payload.unreadCount);
          for (const id of cachedIds(cache, notificationLists)) {
            if (cache.resolve({ __typename: 'Notification', id }, 'read') === false) {
              cache.writeFragment(NotificationReadFragment, { id, read: true, readAt: payload.readAt });
            }
          }
          editLists(cache, notificationLists, (list, args) => {
            if (!args.unreadOnly) return;
            list.edges = [];
            list.totalCount = payload.unreadCount;
          });
        },
        // cancelTrainingJob: cancelRequestedAt updates through normalisation; the status follows on trainingJobUpdated.
        // revokeApiKey: the key keeps its place in the list; its revokedAt updates through normalisation.
      },
      Subscription: {
        datasetUpdated(result: Result, _args, cache) {
          datasetChanged(cache, result.datasetUpdated);
        },
        trainingJobUpdated(result: Result, _args, cache) {
          jobChanged(cache, result.trainingJobUpdated);
        },
        myListsChanged(result: Result, _args, cache) {
          listRowChanged(cache, result.myListsChanged);
        },
        notificationAdded(result: Result, _args, cache) {
          if (result.notificationAdded?.id) notificationArrived(cache, result.notificationAdded);
        },
      },
    },
    optimistic: {
      deleteDataset: (args) => ({
        __typename: 'DatasetPayload',
        dataset: { __typename: 'Dataset', id: String(args.id), deletedAt: new Date().toISOString() },
      }),
      cancelTrainingJob: (args) => ({
        __typename: 'TrainingJobPayload',
        trainingJob: { __typename: 'TrainingJob', id: String(args.id), cancelRequestedAt: new Date().toISOString() },
      }),
      markNotificationRead: (args, cache) => {
        const id = String(args.id);
        const unread = cache.resolve({ __typename: 'Notification', id }, 'read') === false;
        const count = Number(cache.resolve('Query', 'unreadNotificationCount') ?? 0);
        return {
          __typename: 'MarkNotificationReadPayload',
          unreadCount: unread ? Math.max(0, count - 1) : count,
          notification: { __typename: 'Notification', id, read: true, readAt: new Date().toISOString() },
        };
      },
      markAllNotificationsRead: (_args, cache) => ({
        __typename: 'MarkAllNotificationsReadPayload',
        count: Number(cache.resolve('Query', 'unreadNotificationCount') ?? 0),
        readAt: new Date().toISOString(),
        unreadCount: 0,
      }),
      revokeApiKey: (args) => ({
        __typename: 'RevokeApiKeyPayload',
        apiKey: { __typename: 'ApiKey', id: String(args.id), revokedAt: new Date().toISOString() },
      }),
    },
  });
}
