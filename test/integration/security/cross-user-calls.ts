// How to call every root field that takes an id, for the cross-user matrix.
// The list of such fields comes from the schema, so a new one without a row
// here fails the matrix.
import { getNamedType, isInputObjectType, type GraphQLInputType, type GraphQLSchema } from 'graphql';

/** The first user's objects the matrix tries. */
export type Target =
  | 'user'
  | 'dataset'
  | 'uploadedDataset'
  | 'completedJob'
  | 'runningJob'
  | 'model'
  | 'modelFiles'
  | 'notification'
  | 'apiKey'
  | 'webhookEndpoint'
  | 'webhookDelivery';

export interface Call {
  document: string;
  /** The variables that put `id` where the field takes it. */
  variables: (id: string) => Record<string, unknown>;
  /** Objects of the first user worth trying; their owner must see something through each. */
  targets: Target[];
}

/** "Query.dataset(id)", "Query.trainingJobs(filter.datasetId)": every place a root field takes an ID, sorted. */
export function idArguments(schema: GraphQLSchema): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  return roots
    .flatMap((root) =>
      Object.values(root?.getFields() ?? {}).flatMap((field) => field.args.flatMap((arg) => idPaths(arg.type, arg.name, [])).map((path) => `${root!.name}.${field.name}(${path})`)),
    )
    .sort();
}

function idPaths(type: GraphQLInputType, path: string, seen: string[]): string[] {
  const named = getNamedType(type);
  if (named.name === 'ID') return [path];
  if (!isInputObjectType(named) || seen.includes(named.name)) return [];
  return Object.values(named.getFields()).flatMap((f) => idPaths(f.type, `${path}.${f.name}`, [...seen, named.name]));
}

/** The key every job of the first user is created with, so createTrainingJob can be retried without making one. */
export const JOB_IDEMPOTENCY_KEY = 'security-matrix';

const ERRORS = `... on Error { __typename message } ... on NotFoundError { id type }`;
const PLAN_ERRORS = `${ERRORS} ... on DatasetNotReadyError { datasetId status } ... on InvalidInputError { problems { path message } }`;
const DATASET = `id name status fileName fileSize errorCount deletedAt suggestedFormat statistics { examples totalTokens }
  validation { valid errorCount groups { code count stored } issues(first: 5) { line code excerpt } report(format: CSV) }`;
const JOB = `id name status currentStep currentCost finalCost cancelRequestedAt externalJobId dataset { id name } artifact { id status }`;
const WEBHOOK_ENDPOINT = 'id url description eventTypes enabled';
const GPU = { type: 'A100-80GB', count: 1 };
const byId = (id: string) => ({ id });

export const CALLS: Record<string, Call> = {
  'Query.dataset(id)': {
    document: `query($id: ID!) { dataset(id: $id) { ${DATASET} } }`,
    variables: byId,
    targets: ['dataset', 'uploadedDataset'],
  },
  'Query.estimateTrainingCost(input.datasetId)': {
    document: `query($input: EstimateTrainingCostInput!) { estimateTrainingCost(input: $input) {
      __typename ... on TrainingEstimate { costUsd steps tokensToTrain throughputSource } ${PLAN_ERRORS} } }`,
    variables: (id) => ({ input: { datasetId: id, presetId: 'fast', gpu: GPU } }),
    targets: ['dataset', 'uploadedDataset'],
  },
  'Query.model(id)': {
    document: `query($id: ID!) { model(id: $id) { id name status totalSize archiveName files { id name sha256 } job { id } dataset { id } } }`,
    variables: byId,
    targets: ['model'],
  },
  'Query.node(id)': {
    document: `query($id: ID!) { node(id: $id) { __typename id
      ... on User { email apiKeys(first: 5) { totalCount } }
      ... on Dataset { name datasetStatus: status }
      ... on TrainingJob { name jobStatus: status }
      ... on Model { name modelStatus: status }
      ... on ModelFile { name sha256 }
      ... on Notification { title message }
      ... on ApiKey { name prefix }
      ... on WebhookEndpoint { url description }
      ... on WebhookDelivery { eventId status payload } } }`,
    variables: byId,
    targets: ['user', 'dataset', 'uploadedDataset', 'completedJob', 'runningJob', 'model', 'modelFiles', 'notification', 'apiKey', 'webhookEndpoint', 'webhookDelivery'],
  },
  'Query.trainingJob(id)': {
    document: `query($id: ID!) { trainingJob(id: $id) { ${JOB} metrics(maxPoints: 10) { step trainingLoss } } }`,
    variables: byId,
    targets: ['completedJob', 'runningJob'],
  },
  'Query.trainingJobs(filter.datasetId)': {
    document: `query($filter: TrainingJobFilter) { trainingJobs(first: 10, filter: $filter) { totalCount edges { node { id name } } } }`,
    variables: (id) => ({ filter: { datasetId: id } }),
    targets: ['dataset'],
  },
  // Before cancelTrainingJob and deleteDataset: for the owner it meets the running job (DatasetInUseError), not a deleted dataset.
  'Mutation.recheckDataset(id)': {
    document: `mutation($id: ID!) { recheckDataset(id: $id, format: BRIGHTRUN_LORA_V4) {
      __typename ... on DatasetPayload { dataset { ${DATASET} } } ... on DatasetInUseError { activeJobIds }
      ... on InvalidInputError { problems { path message } } ${ERRORS} } }`,
    variables: byId,
    targets: ['dataset', 'uploadedDataset'],
  },
  'Mutation.cancelTrainingJob(id)': {
    document: `mutation($id: ID!) { cancelTrainingJob(id: $id) {
      __typename ... on TrainingJobPayload { trainingJob { ${JOB} } } ... on JobAlreadyFinishedError { jobId status } ${ERRORS} } }`,
    variables: byId,
    targets: ['completedJob', 'runningJob'],
  },
  'Mutation.confirmDatasetUpload(id)': {
    document: `mutation($id: ID!) { confirmDatasetUpload(id: $id) {
      __typename ... on DatasetPayload { dataset { ${DATASET} } }
      ... on UploadMissingError { datasetId } ... on UploadSizeMismatchError { declaredSize uploadedSize } ${ERRORS} } }`,
    variables: byId,
    targets: ['dataset', 'uploadedDataset'],
  },
  'Mutation.createModelDownload(id)': {
    document: `mutation($id: ID!) { createModelDownload(id: $id) {
      __typename ... on ModelDownloadPayload { expiresAt files { name url sha256 } archive { name url size } } ... on ModelNotReadyError { modelId status } ${ERRORS} } }`,
    variables: byId,
    targets: ['model'],
  },
  'Mutation.createTrainingJob(input.datasetId)': {
    document: `mutation($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) {
      __typename ... on TrainingJobPayload { trainingJob { ${JOB} } } ${PLAN_ERRORS} } }`,
    // The owner's key: for them a retry that returns their job; for anyone else a new request.
    variables: (id) => ({ input: { datasetId: id, presetId: 'fast', gpu: GPU, idempotencyKey: JOB_IDEMPOTENCY_KEY } }),
    targets: ['dataset', 'uploadedDataset'],
  },
  'Mutation.deleteDataset(id)': {
    document: `mutation($id: ID!) { deleteDataset(id: $id) {
      __typename ... on DatasetPayload { dataset { ${DATASET} } } ... on DatasetInUseError { activeJobIds } ${ERRORS} } }`,
    variables: byId,
    targets: ['dataset', 'uploadedDataset'],
  },
  'Mutation.markNotificationRead(id)': {
    document: `mutation($id: ID!) { markNotificationRead(id: $id) {
      __typename ... on MarkNotificationReadPayload { unreadCount notification { id title message readAt } } ${ERRORS} } }`,
    variables: byId,
    targets: ['notification'],
  },
  'Mutation.revokeApiKey(id)': {
    document: `mutation($id: ID!) { revokeApiKey(id: $id) {
      __typename ... on RevokeApiKeyPayload { apiKey { id name prefix revokedAt } } ${ERRORS} } }`,
    variables: byId,
    targets: ['apiKey'],
  },
  'Query.webhookEndpoint(id)': {
    document: `query($id: ID!) { webhookEndpoint(id: $id) { ${WEBHOOK_ENDPOINT} deliveries(first: 5) { totalCount edges { node { id eventId payload } } } } }`,
    variables: byId,
    targets: ['webhookEndpoint'],
  },
  // Before deleteWebhookEndpoint: the owner's run of the mutations goes in this order, and a deleted endpoint
  // would take its deliveries with it.
  'Mutation.redeliverWebhookDelivery(id)': {
    document: `mutation($id: ID!) { redeliverWebhookDelivery(id: $id) {
      __typename ... on WebhookDeliveryPayload { delivery { id eventId status payload } } ${ERRORS} } }`,
    variables: byId,
    targets: ['webhookDelivery'],
  },
  'Mutation.sendWebhookTestEvent(id)': {
    document: `mutation($id: ID!) { sendWebhookTestEvent(id: $id) {
      __typename ... on WebhookDeliveryPayload { delivery { id status endpoint { ${WEBHOOK_ENDPOINT} } } } ${ERRORS} } }`,
    variables: byId,
    targets: ['webhookEndpoint'],
  },
  'Mutation.rotateWebhookEndpointSecret(id)': {
    document: `mutation($id: ID!) { rotateWebhookEndpointSecret(id: $id) {
      __typename ... on WebhookEndpointSecretPayload { secret webhookEndpoint { ${WEBHOOK_ENDPOINT} } } ${ERRORS} } }`,
    variables: byId,
    targets: ['webhookEndpoint'],
  },
  'Mutation.updateWebhookEndpoint(input.id)': {
    document: `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) {
      __typename ... on WebhookEndpointPayload { webhookEndpoint { ${WEBHOOK_ENDPOINT} } } ${ERRORS} } }`,
    variables: (id) => ({ input: { id, description: 'changed by someone', enabled: false } }),
    targets: ['webhookEndpoint'],
  },
  'Mutation.deleteWebhookEndpoint(id)': {
    document: `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) {
      __typename ... on WebhookEndpointPayload { webhookEndpoint { ${WEBHOOK_ENDPOINT} } } ${ERRORS} } }`,
    variables: byId,
    targets: ['webhookEndpoint'],
  },
  'Subscription.datasetUpdated(id)': {
    document: `subscription($id: ID!) { datasetUpdated(id: $id) { ${DATASET} } }`,
    variables: byId,
    targets: ['dataset', 'uploadedDataset'],
  },
  'Subscription.trainingJobUpdated(id)': {
    document: `subscription($id: ID!) { trainingJobUpdated(id: $id) { ${JOB} } }`,
    variables: byId,
    targets: ['completedJob', 'runningJob'],
  },
  'Subscription.trainingMetrics(jobId)': {
    document: `subscription($id: ID!) { trainingMetrics(jobId: $id, afterStep: 0) { jobId lastStep points { step trainingLoss } } }`,
    variables: byId,
    targets: ['completedJob', 'runningJob'],
  },
};
