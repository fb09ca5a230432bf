// graphcache, on purpose: the generated schema, relayPagination for every connection, an update for every
// mutation and live event that changes a list, optimistic answers where the outcome is near certain.
import { cacheExchange, type Cache, type Variables } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { graphql } from '../gql';
import type {
  ConfirmDatasetUploadMutation,
  CreateApiKeyMutation,
  CreateDatasetMutation,
  CreateTrainingJobMutation,
  DatasetFilter,
  DatasetRowFragment,
  DeleteDatasetMutation,
  DeleteDatasetMutationVariables,
  JobRowFragment,
  MarkAllNotificationsReadMutation,
  MarkNotificationReadMutation,
  MarkNotificationReadMutationVariables,
  MyListsChangedSubscription,
  NotificationAddedSubscription,
  NotificationItemFragment,
  SetBudgetMutation,
  TrainingJobFilter,
} from '../gql/graphql';
import schema from '../gql/introspection';
import { DatasetListQuery } from '../pages/datasets/fragments';
import { ModelListQuery } from '../pages/models/fragments';
import { NotificationsQuery, UnreadCountQuery } from '../pages/notifications/fragments';
import { SettingsQuery } from '../pages/settings/fragments';
import { JobListQuery } from '../pages/training/fragments';
import { addNewToLists, addToLists, cachedIds, editLists, invalidateLists, listSpec, refreshListsMissing, removeFromLists } from './connections';
import { success } from './outcome';

const NotificationReadFragment = graphql(`
  fragment NotificationRead on Notification {
    id
    read
    readAt
  }
`);

const signedInUser = (cache: Cache) => {
  const me = cache.resolve('Query', 'me');
  return typeof me === 'string' ? me : null;
};

// Each list is kept through the very query its page reads, so an update writes exactly what the page shows.
const datasetLists = listSpec('Query', 'datasets', DatasetListQuery, (data) => data.datasets);
const apiKeyLists = listSpec('User', 'apiKeys', SettingsQuery, (data) => data.me?.apiKeys, signedInUser);
const jobLists = listSpec('Query', 'trainingJobs', JobListQuery, (data) => data.trainingJobs);
const modelLists = listSpec('Query', 'models', ModelListQuery, (data) => data.models);
const notificationLists = listSpec('Query', 'notifications', NotificationsQuery, (data) => data.notifications);

/** What a job update carries wherever it comes from (a list row, the monitor's live fields). */
type JobChange = Pick<JobRowFragment, 'id' | 'status'> & { dataset?: { id: string } | null };

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

function jobFits(args: Variables, job: JobChange): boolean {
  const filter = args.filter as TrainingJobFilter | null | undefined;
  if (filter?.status?.length && !filter.status.includes(job.status)) return false;
  if (filter?.datasetId && job.dataset?.id && filter.datasetId !== job.dataset.id) return false;
  return true;
}

/** A job changed status: lists filtered by status gain or lose it. */
function jobChanged(cache: Cache, job: JobChange | null | undefined) {
  if (!job?.id || job.status == null) return;
  removeFromLists(cache, jobLists, job.id, (args) => !jobFits(args, job));
  refreshListsMissing(cache, jobLists, job.id, (args) => Boolean((args.filter as TrainingJobFilter | null)?.status?.length) && jobFits(args, job));
}

function datasetFits(args: Variables, dataset: DatasetRowFragment): boolean {
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
function listRowChanged(cache: Cache, change: MyListsChangedSubscription['myListsChanged'] | null | undefined) {
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
    // Each update is typed by the operation that runs it: its result as that document selects it.
    updates: {
      Mutation: {
        createDataset(result: CreateDatasetMutation, _args, cache) {
          const dataset = success(result.createDataset, 'CreateDatasetPayload')?.dataset;
          if (dataset) addToLists(cache, datasetLists, dataset, (args) => datasetFits(args, dataset));
        },
        confirmDatasetUpload(result: ConfirmDatasetUploadMutation, _args, cache) {
          datasetChanged(cache, success(result.confirmDatasetUpload, 'DatasetPayload')?.dataset);
        },
        deleteDataset(result: DeleteDatasetMutation, args: DeleteDatasetMutationVariables, cache) {
          if (success(result.deleteDataset, 'DatasetPayload')) removeFromLists(cache, datasetLists, String(args.id));
        },
        createApiKey(result: CreateApiKeyMutation, _args, cache) {
          const apiKey = success(result.createApiKey, 'CreateApiKeyPayload')?.apiKey;
          if (apiKey) addToLists(cache, apiKeyLists, apiKey);
        },
        createTrainingJob(result: CreateTrainingJobMutation, _args, cache) {
          const job = success(result.createTrainingJob, 'TrainingJobPayload')?.trainingJob;
          if (!job) return;
          addToLists(cache, jobLists, job, (args) => jobFits(args, job));
          // The new job's estimate is committed against the monthly budget.
          cache.invalidate('Query', 'budget');
        },
        // The budget has no id (each user has one): it is read again after a change.
        setBudget(result: SetBudgetMutation, _args, cache) {
          if (success(result.setBudget, 'SetBudgetPayload')) cache.invalidate('Query', 'budget');
        },
        removeBudget(_result, _args, cache) {
          cache.invalidate('Query', 'budget');
        },
        markNotificationRead(result: MarkNotificationReadMutation, args: MarkNotificationReadMutationVariables, cache) {
          const payload = success(result.markNotificationRead, 'MarkNotificationReadPayload');
          if (!payload) return;
          setUnreadCount(cache, () => payload.unreadCount);
          removeFromLists(cache, notificationLists, String(args.id), (listArgs) => Boolean(listArgs.unreadOnly));
        },
        markAllNotificationsRead(result: MarkAllNotificationsReadMutation, _args, cache) {
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
      // Several documents select these fields (a row's watcher, a detail page's live fields): typed by what all share.
      Subscription: {
        datasetUpdated(result: { datasetUpdated?: DatasetRowFragment | null }, _args, cache) {
          datasetChanged(cache, result.datasetUpdated);
        },
        trainingJobUpdated(result: { trainingJobUpdated?: JobChange | null }, _args, cache) {
          jobChanged(cache, result.trainingJobUpdated);
        },
        myListsChanged(result: MyListsChangedSubscription, _args, cache) {
          listRowChanged(cache, result.myListsChanged);
        },
        notificationAdded(result: NotificationAddedSubscription, _args, cache) {
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
