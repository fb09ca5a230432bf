/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation BrowserListsApiKey { createApiKey(input: { name: \"a tool\" }) { __typename ... on CreateApiKeyPayload { secret } } }\n": typeof types.BrowserListsApiKeyDocument,
    "\n  mutation BrowserListsCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { __typename ... on CreateDatasetPayload { dataset { id } upload { url method headers } } }\n  }\n": typeof types.BrowserListsCreateDatasetDocument,
    "mutation BrowserListsConfirm($id: ID!) { confirmDatasetUpload(id: $id) { __typename } }": typeof types.BrowserListsConfirmDocument,
    "\n  mutation BrowserListsCreateJob($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) { __typename } }\n": typeof types.BrowserListsCreateJobDocument,
    "\n  mutation HelperCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload { dataset { id status fileSize } upload { url method headers expiresAt } }\n      ... on InvalidInputError { message problems { path message } }\n    }\n  }\n": typeof types.HelperCreateDatasetDocument,
    "\n  mutation HelperConfirmUpload($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      __typename\n      ... on DatasetPayload { dataset { id status } }\n      ... on Error { message }\n    }\n  }\n": typeof types.HelperConfirmUploadDocument,
    "\n  subscription HelperDatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n      errorCount\n      warningCount\n      statistics {\n        examples\n        trainingPairs\n        totalTokens\n        tokensPerExample { min mean p95 max }\n        examplesOverContext\n        roleCounts { system user assistant }\n        duplicates\n      }\n      validation {\n        valid\n        errorCount\n        truncated\n        tokenCountsExact\n        countsByCode { code count }\n        issues { line path code severity message }\n      }\n    }\n  }\n": typeof types.HelperDatasetUpdatedDocument,
    "query FactoryMe { me { id } }": typeof types.FactoryMeDocument,
    "\n  query StoredModelArtifact($id: ID!) { trainingJob(id: $id) { artifact { id status files { id name } } } }\n": typeof types.StoredModelArtifactDocument,
    "\n  fragment WebhooksEndpointFields on WebhookEndpoint {\n    id url description eventTypes enabled disabledReason consecutiveFailures previousSecretExpiresAt\n  }\n": typeof types.WebhooksEndpointFieldsFragmentDoc,
    "\n  fragment WebhooksDeliveryFields on WebhookDelivery {\n    id eventId eventType status attemptCount nextAttemptAt deliveredAt payload\n    attempts { startedAt durationMs succeeded responseStatus responseBody error }\n  }\n": typeof types.WebhooksDeliveryFieldsFragmentDoc,
    "\n  mutation WebhooksCreateEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload {\n        secret\n        webhookEndpoint { ...WebhooksEndpointFields }\n      }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n": typeof types.WebhooksCreateEndpointDocument,
    "\n  mutation WebhooksSendTest($id: ID!) {\n    sendWebhookTestEvent(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload {\n        delivery { ...WebhooksDeliveryFields }\n      }\n      ... on Error { message }\n    }\n  }\n": typeof types.WebhooksSendTestDocument,
    "\n  mutation WebhooksRotateSecret($id: ID!) {\n    rotateWebhookEndpointSecret(id: $id) {\n      __typename\n      ... on WebhookEndpointSecretPayload {\n        secret\n        webhookEndpoint { ...WebhooksEndpointFields }\n      }\n      ... on Error { message }\n    }\n  }\n": typeof types.WebhooksRotateSecretDocument,
    "\n  mutation WebhooksRedeliver($id: ID!) {\n    redeliverWebhookDelivery(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload {\n        delivery { ...WebhooksDeliveryFields }\n      }\n      ... on Error { message }\n    }\n  }\n": typeof types.WebhooksRedeliverDocument,
    "\n  query WebhooksDelivery($id: ID!) {\n    node(id: $id) {\n      __typename\n      ...WebhooksDeliveryFields\n    }\n  }\n": typeof types.WebhooksDeliveryDocument,
    "\n  subscription LiveListsFeed {\n    myListsChanged {\n      dataset { id name status deletedAt }\n      trainingJob { id name status }\n      model { id name status }\n    }\n  }\n": typeof types.LiveListsFeedDocument,
    "\n  mutation LiveListsApiKey {\n    createApiKey(input: { name: \"tool\" }) { __typename ... on CreateApiKeyPayload { secret } }\n  }\n": typeof types.LiveListsApiKeyDocument,
    "query VocabularyNodeType($id: ID!) { node(id: $id) { __typename } }": typeof types.VocabularyNodeTypeDocument,
    "fragment VocabularyError on Error { __typename message ... on NotFoundError { id type } }": typeof types.VocabularyErrorFragmentDoc,
    "\n  mutation VocabularyConfirm($id: ID!) {\n    confirmDatasetUpload(id: $id) { ...VocabularyError ... on UploadMissingError { datasetId } }\n  }\n": typeof types.VocabularyConfirmDocument,
    "\n  query VocabularyEstimate($input: EstimateTrainingCostInput!) {\n    estimateTrainingCost(input: $input) { ...VocabularyError ... on DatasetNotReadyError { datasetId } }\n  }\n": typeof types.VocabularyEstimateDocument,
    "\n  mutation VocabularyDelete($id: ID!) {\n    deleteDataset(id: $id) { ...VocabularyError ... on DatasetInUseError { activeJobIds } }\n  }\n": typeof types.VocabularyDeleteDocument,
    "\n  mutation VocabularyCancel($id: ID!) {\n    cancelTrainingJob(id: $id) { ...VocabularyError ... on JobAlreadyFinishedError { jobId } }\n  }\n": typeof types.VocabularyCancelDocument,
    "\n  mutation VocabularyDownload($id: ID!) {\n    createModelDownload(id: $id) { ...VocabularyError ... on ModelNotReadyError { modelId } }\n  }\n": typeof types.VocabularyDownloadDocument,
    "subscription VocabularyJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }": typeof types.VocabularyJobUpdatedDocument,
    "\n  query VocabularyNotifications { notifications(first: 100) { edges { node { type link metadata } } } }\n": typeof types.VocabularyNotificationsDocument,
    "\n  query VocabularyAmounts($id: ID!, $from: DateTime!, $to: DateTime!) {\n    gpuTypes { hourlyRateUsd }\n    trainingJob(id: $id) {\n      estimatedCost\n      maxCost\n      currentCost\n      finalCost\n      estimate { hourlyRateUsd costUsd breakdown { costUsd } low { costUsd } high { costUsd } }\n    }\n    costSummary(from: $from, to: $to, groupBy: MONTH) {\n      __typename\n      ... on CostSummary { total byType { total } monthComparison { thisMonth lastMonth lastMonthToDate } }\n    }\n  }\n": typeof types.VocabularyAmountsDocument,
    "\n  fragment ArtifactsModel on Model {\n    id name status failureReason storedAt totalSize\n    job { id status } dataset { id name } baseModel { id }\n    hyperparameters { epochs learningRate loraRank loraAlpha }\n    files { id name size sha256 contentType }\n    quality { finalValidationLoss bestValidationLoss bestValidationStep finalTrainingLoss perplexity lossReduction rating warnings { code message } }\n  }\n": typeof types.ArtifactsModelFragmentDoc,
    "\n  query ArtifactsJobArtifact($id: ID!) {\n    trainingJob(id: $id) { id artifact { ...ArtifactsModel } }\n  }\n": typeof types.ArtifactsJobArtifactDocument,
    "\n  query ArtifactsModelShow($id: ID!) {\n    model(id: $id) { ...ArtifactsModel }\n  }\n": typeof types.ArtifactsModelShowDocument,
    "\n  mutation ArtifactsDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      __typename\n      ... on ModelDownloadPayload { expiresAt model { id status } files { name url size sha256 contentType expiresAt } }\n      ... on ModelNotReadyError { modelId status message }\n      ... on NotFoundError { id type message }\n    }\n  }\n": typeof types.ArtifactsDownloadDocument,
    "\n  subscription ArtifactsNotificationAdded {\n    notificationAdded { id type title priority link metadata readAt }\n  }\n": typeof types.ArtifactsNotificationAddedDocument,
    "\n  query ArtifactsMyModels {\n    models(first: 10) { totalCount edges { node { id status } } }\n  }\n": typeof types.ArtifactsMyModelsDocument,
    "\n  query ArtifactsTheirModels {\n    models(first: 10) { totalCount edges { node { id } } }\n  }\n": typeof types.ArtifactsTheirModelsDocument,
    "\n  query ArtifactsNode($id: ID!) {\n    node(id: $id) { id ... on ModelFile { name } ... on Model { status } }\n  }\n": typeof types.ArtifactsNodeDocument,
    "\n  query ArtifactsModelsPage($first: Int) {\n    models(first: $first) {\n      totalCount\n      edges {\n        node {\n          id name status totalSize storedAt baseModel { id } hyperparameters { epochs }\n          files { name size sha256 } job { id status finalCost } dataset { id name } quality { rating perplexity }\n        }\n      }\n    }\n  }\n": typeof types.ArtifactsModelsPageDocument,
    "\n  mutation ModelArchiveDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      __typename\n      ... on ModelDownloadPayload { expiresAt archive { name url size contentType expiresAt } }\n      ... on NotFoundError { type }\n      ... on Error { message }\n    }\n  }\n": typeof types.ModelArchiveDownloadDocument,
    "\n  query ModelArchiveModel($id: ID!) {\n    model(id: $id) { archiveName files { name size sha256 } }\n  }\n": typeof types.ModelArchiveModelDocument,
    "\n  query ModelOrderPage($first: Int, $after: String, $orderBy: ModelOrder) {\n    models(first: $first, after: $after, orderBy: $orderBy) {\n      edges {\n        node {\n          name\n          quality { bestValidationLoss }\n          job { bestValidation { step validationLoss tokensTrained } }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ModelOrderPageDocument,
    "query AuthMe { me { id email } }": typeof types.AuthMeDocument,
    "subscription AuthQuiet { notificationAdded { id } }": typeof types.AuthQuietDocument,
    "\n  mutation AuthCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id name prefix revokedAt } }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n": typeof types.AuthCreateApiKeyDocument,
    "\n  mutation AuthRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeyPayload { apiKey { id revokedAt } }\n      ... on NotFoundError { message }\n    }\n  }\n": typeof types.AuthRevokeApiKeyDocument,
    "\n  mutation BudgetSet($input: SetBudgetInput!) {\n    setBudget(input: $input) {\n      __typename\n      ... on SetBudgetPayload { budget { amount hardStop timeZone month spent remaining thresholds { percent amount reachedAt } } }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n": typeof types.BudgetSetDocument,
    "\n  query BudgetShow {\n    budget { amount hardStop timeZone month monthStart monthEnd spent committed projected remaining thresholds { percent amount reachedAt } }\n  }\n": typeof types.BudgetShowDocument,
    "\n  query BudgetLeftAfterJob {\n    budget { a: leftAfterJob(estimatedCost: \"20\") b: leftAfterJob(estimatedCost: \"20\", maxCost: \"5\") }\n  }\n": typeof types.BudgetLeftAfterJobDocument,
    "\n  query BudgetLeftAfterNegative {\n    budget { leftAfterJob(estimatedCost: \"-1\") }\n  }\n": typeof types.BudgetLeftAfterNegativeDocument,
    "\n  mutation BudgetRemove {\n    removeBudget { removed }\n  }\n": typeof types.BudgetRemoveDocument,
    "\n  mutation BudgetCreateJob($input: CreateTrainingJobInput!) {\n    createTrainingJob(input: $input) {\n      __typename\n      ... on BudgetExceededError { message month budget spent committed remaining jobCost }\n    }\n  }\n": typeof types.BudgetCreateJobDocument,
    "\n  subscription BudgetJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) { status }\n  }\n": typeof types.BudgetJobUpdatedDocument,
    "\n  mutation ComputeCostCancelJob($id: ID!) {\n    cancelTrainingJob(id: $id) { __typename }\n  }\n": typeof types.ComputeCostCancelJobDocument,
    "\n  subscription ComputeCostJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) { status }\n  }\n": typeof types.ComputeCostJobUpdatedDocument,
    "\n  query CostSummaryShow($from: DateTime!, $to: DateTime!, $groupBy: CostGroupBy, $topJobs: Int) {\n    costSummary(from: $from, to: $to, groupBy: $groupBy, topJobs: $topJobs) {\n      __typename\n      ... on CostSummary {\n        total currency groupBy\n        series { periodStart periodEnd total byType { type total } }\n        byType { type total }\n        byGpuType { gpuType total }\n        topJobs { job { id name } total }\n        monthComparison { thisMonthStart thisMonth lastMonth lastMonthToDate changePercent }\n      }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n": typeof types.CostSummaryShowDocument,
    "subscription IssuesDatasetStatus($id: ID!) { datasetUpdated(id: $id) { id status } }": typeof types.IssuesDatasetStatusDocument,
    "\n  query Issues($id: ID!, $code: String, $offset: Int, $first: Int) {\n    dataset(id: $id) {\n      format\n      status\n      suggestedFormat\n      validation {\n        groups { code severity meaning count stored }\n        issues(code: $code, offset: $offset, first: $first) { line path code severity message excerpt }\n      }\n    }\n  }\n": typeof types.IssuesDocument,
    "\n  query IssuesReport($id: ID!, $format: IssueReportFormat!) {\n    dataset(id: $id) { validation { report(format: $format) } }\n  }\n": typeof types.IssuesReportDocument,
    "\n  mutation IssuesRecheck($id: ID!, $format: DatasetFormat!) {\n    recheckDataset(id: $id, format: $format) {\n      __typename\n      ... on DatasetPayload { dataset { id status format validation { valid } } }\n      ... on NotFoundError { type }\n      ... on InvalidInputError { problems { path message } }\n      ... on DatasetInUseError { activeJobIds }\n      ... on Error { message }\n    }\n  }\n": typeof types.IssuesRecheckDocument,
    "mutation LifecycleDelete($id: ID!) { deleteDataset(id: $id) { __typename } }": typeof types.LifecycleDeleteDocument,
    "\n  mutation LifecycleCreate($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload { dataset { id } upload { url } }\n      ... on QuotaExceededError { message exceeded { quota limit used } }\n    }\n  }\n": typeof types.LifecycleCreateDocument,
    "query LifecycleDataset($id: ID!) { dataset(id: $id) { id } }": typeof types.LifecycleDatasetDocument,
    "query LifecycleQuotas { me { datasetQuotas { quota limit used } } }": typeof types.LifecycleQuotasDocument,
    "\n  query DatasetListPage($after: String) {\n    datasets(first: 100, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id name status fileSize baseModel { id } } }\n    }\n  }\n": typeof types.DatasetListPageDocument,
    "\n  query DatasetListSpecial {\n    datasets(first: 5, filter: { status: [READY], search: \"SPECIAL\" }) { totalCount edges { node { status name } } }\n  }\n": typeof types.DatasetListSpecialDocument,
    "query DatasetListFirstTen { datasets(first: 10) { totalCount edges { node { id } } } }": typeof types.DatasetListFirstTenDocument,
    "query UploadFlowDataset($id: ID!) { dataset(id: $id) { id } }": typeof types.UploadFlowDatasetDocument,
    "mutation UploadFlowDelete($id: ID!) { deleteDataset(id: $id) { __typename ... on DatasetPayload { dataset { deletedAt } } } }": typeof types.UploadFlowDeleteDocument,
    "query UploadFlowToDelete { datasets(first: 100, filter: { search: \"to delete\" }) { totalCount } }": typeof types.UploadFlowToDeleteDocument,
    "\n  query NotificationsList($first: Int, $after: String, $unreadOnly: Boolean) {\n    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id type title message priority link metadata read readAt createdAt } }\n    }\n    unreadNotificationCount\n  }\n": typeof types.NotificationsListDocument,
    "\n  mutation NotificationsMark($id: ID!) {\n    markNotificationRead(id: $id) {\n      __typename\n      ... on MarkNotificationReadPayload { unreadCount notification { id read readAt } }\n      ... on NotFoundError { id type }\n    }\n  }\n": typeof types.NotificationsMarkDocument,
    "mutation NotificationsMarkAll { markAllNotificationsRead { count readAt unreadCount } }": typeof types.NotificationsMarkAllDocument,
    "\n  subscription NotificationsAdded { notificationAdded { id type title priority link metadata readAt } }\n": typeof types.NotificationsAddedDocument,
    "query NotificationsNode($id: ID!) { node(id: $id) { id } }": typeof types.NotificationsNodeDocument,
    "query NotificationsUnreadCount { unreadNotificationCount }": typeof types.NotificationsUnreadCountDocument,
    "\n  subscription AlertsTrainingMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { lastStep }\n  }\n": typeof types.AlertsTrainingMetricsDocument,
    "query ApiHardeningOrdinary { me { id email } trainingJobs(first: 20) { totalCount edges { node { id status } } } }": typeof types.ApiHardeningOrdinaryDocument,
    "query ApiHardeningTypename { __typename }": typeof types.ApiHardeningTypenameDocument,
    "query MetricsMe { me { id } }": typeof types.MetricsMeDocument,
    "query MetricsUnread { unreadNotificationCount }": typeof types.MetricsUnreadDocument,
    "mutation MetricsMarkAll { markAllNotificationsRead { count } }": typeof types.MetricsMarkAllDocument,
    "subscription MetricsAdded { notificationAdded { id } }": typeof types.MetricsAddedDocument,
    "\n  query RequestLogsMe {\n    me { id }\n  }\n": typeof types.RequestLogsMeDocument,
    "\n  mutation WebhookDeliveryCancelJob($id: ID!) {\n    cancelTrainingJob(id: $id) { __typename }\n  }\n": typeof types.WebhookDeliveryCancelJobDocument,
    "\n  mutation WebhookDeliverySetBudget($input: SetBudgetInput!) {\n    setBudget(input: $input) { __typename }\n  }\n": typeof types.WebhookDeliverySetBudgetDocument,
    "\n  query WebhookDeliveryEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) { enabled disabledReason consecutiveFailures }\n  }\n": typeof types.WebhookDeliveryEndpointDocument,
    "\n  query WebhookDeliveryNotifications {\n    notifications(first: 10) { edges { node { type title message } } }\n  }\n": typeof types.WebhookDeliveryNotificationsDocument,
    "\n  mutation WebhookDeliveryEnableEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointPayload { webhookEndpoint { enabled consecutiveFailures disabledReason } }\n    }\n  }\n": typeof types.WebhookDeliveryEnableEndpointDocument,
    "\n  subscription WebhookDeliveryUpdated {\n    webhookDeliveryUpdated { id status attemptCount attempts { responseStatus } }\n  }\n": typeof types.WebhookDeliveryUpdatedDocument,
    "\n  mutation WebhookUrlPolicyUpdate($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n": typeof types.WebhookUrlPolicyUpdateDocument,
    "\n  query WebhookUrlPolicyEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) { url }\n  }\n": typeof types.WebhookUrlPolicyEndpointDocument,
    "\n  subscription RestartMetrics($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { points { step } }\n  }\n": typeof types.RestartMetricsDocument,
    "query RestartMe { me { id } }": typeof types.RestartMeDocument,
    "\n  subscription ScaleOutMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { lastStep points { step } }\n  }\n": typeof types.ScaleOutMetricsDocument,
    "\n  subscription ScaleOutUpdates($id: ID!) {\n    trainingJobUpdated(id: $id) { status currentStep totalSteps }\n  }\n": typeof types.ScaleOutUpdatesDocument,
    "\n  subscription ServerCrashMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { points { step } }\n  }\n": typeof types.ServerCrashMetricsDocument,
    "\n  mutation BadInputCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n": typeof types.BadInputCreateDatasetDocument,
    "\n  mutation BadInputCreateJob($input: CreateTrainingJobInput!) {\n    createTrainingJob(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n": typeof types.BadInputCreateJobDocument,
    "\n  subscription ConnectionLimitsQuiet {\n    notificationAdded { id }\n  }\n": typeof types.ConnectionLimitsQuietDocument,
    "\n  query ConnectionLimitsMe {\n    me { id }\n  }\n": typeof types.ConnectionLimitsMeDocument,
    "query ForeignCursorsPage($after: String) { datasets(first: 5, after: $after) { edges { node { id } } } }": typeof types.ForeignCursorsPageDocument,
    "query ForeignCursorsFirst { datasets(first: 1) { pageInfo { endCursor } edges { node { id } } } }": typeof types.ForeignCursorsFirstDocument,
    "query JwtMe { me { id email } }": typeof types.JwtMeDocument,
    "query JwtMeNamed { me { email name } }": typeof types.JwtMeNamedDocument,
    "\n  query QueryCostOrdinary($n: Int = 100) {\n    me { id }\n    trainingJobs(first: $n) { totalCount edges { node { id metrics(maxPoints: $n) { step } } } }\n  }\n": typeof types.QueryCostOrdinaryDocument,
    "\n  mutation StorageUrlsDownload($id: ID!) { createModelDownload(id: $id) { __typename ... on ModelDownloadPayload { files { name url sha256 } } } }\n": typeof types.StorageUrlsDownloadDocument,
    "\n  query TrainingJobPage($first: Int, $after: String, $last: Int, $before: String) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.TrainingJobPageDocument,
    "\n  fragment MetricsPointFields on MetricPoint {\n    step epoch trainingLoss validationLoss learningRate gradNorm throughput tokensTrained gpuUtilization recordedAt\n  }\n": typeof types.MetricsPointFieldsFragmentDoc,
    "\n  subscription MetricsStream($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { lastStep points { ...MetricsPointFields } }\n  }\n": typeof types.MetricsStreamDocument,
    "\n  query MetricsStored($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10000) { ...MetricsPointFields } } }\n": typeof types.MetricsStoredDocument,
    "\n  query MetricsSeries($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10) { step trainingLoss } } }\n": typeof types.MetricsSeriesDocument,
    "mutation MetricsCancel($id: ID!) { cancelTrainingJob(id: $id) { __typename } }": typeof types.MetricsCancelDocument,
    "subscription MetricsJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }": typeof types.MetricsJobUpdatedDocument,
};
const documents: Documents = {
    "\n  mutation BrowserListsApiKey { createApiKey(input: { name: \"a tool\" }) { __typename ... on CreateApiKeyPayload { secret } } }\n": types.BrowserListsApiKeyDocument,
    "\n  mutation BrowserListsCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { __typename ... on CreateDatasetPayload { dataset { id } upload { url method headers } } }\n  }\n": types.BrowserListsCreateDatasetDocument,
    "mutation BrowserListsConfirm($id: ID!) { confirmDatasetUpload(id: $id) { __typename } }": types.BrowserListsConfirmDocument,
    "\n  mutation BrowserListsCreateJob($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) { __typename } }\n": types.BrowserListsCreateJobDocument,
    "\n  mutation HelperCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload { dataset { id status fileSize } upload { url method headers expiresAt } }\n      ... on InvalidInputError { message problems { path message } }\n    }\n  }\n": types.HelperCreateDatasetDocument,
    "\n  mutation HelperConfirmUpload($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      __typename\n      ... on DatasetPayload { dataset { id status } }\n      ... on Error { message }\n    }\n  }\n": types.HelperConfirmUploadDocument,
    "\n  subscription HelperDatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n      errorCount\n      warningCount\n      statistics {\n        examples\n        trainingPairs\n        totalTokens\n        tokensPerExample { min mean p95 max }\n        examplesOverContext\n        roleCounts { system user assistant }\n        duplicates\n      }\n      validation {\n        valid\n        errorCount\n        truncated\n        tokenCountsExact\n        countsByCode { code count }\n        issues { line path code severity message }\n      }\n    }\n  }\n": types.HelperDatasetUpdatedDocument,
    "query FactoryMe { me { id } }": types.FactoryMeDocument,
    "\n  query StoredModelArtifact($id: ID!) { trainingJob(id: $id) { artifact { id status files { id name } } } }\n": types.StoredModelArtifactDocument,
    "\n  fragment WebhooksEndpointFields on WebhookEndpoint {\n    id url description eventTypes enabled disabledReason consecutiveFailures previousSecretExpiresAt\n  }\n": types.WebhooksEndpointFieldsFragmentDoc,
    "\n  fragment WebhooksDeliveryFields on WebhookDelivery {\n    id eventId eventType status attemptCount nextAttemptAt deliveredAt payload\n    attempts { startedAt durationMs succeeded responseStatus responseBody error }\n  }\n": types.WebhooksDeliveryFieldsFragmentDoc,
    "\n  mutation WebhooksCreateEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload {\n        secret\n        webhookEndpoint { ...WebhooksEndpointFields }\n      }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n": types.WebhooksCreateEndpointDocument,
    "\n  mutation WebhooksSendTest($id: ID!) {\n    sendWebhookTestEvent(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload {\n        delivery { ...WebhooksDeliveryFields }\n      }\n      ... on Error { message }\n    }\n  }\n": types.WebhooksSendTestDocument,
    "\n  mutation WebhooksRotateSecret($id: ID!) {\n    rotateWebhookEndpointSecret(id: $id) {\n      __typename\n      ... on WebhookEndpointSecretPayload {\n        secret\n        webhookEndpoint { ...WebhooksEndpointFields }\n      }\n      ... on Error { message }\n    }\n  }\n": types.WebhooksRotateSecretDocument,
    "\n  mutation WebhooksRedeliver($id: ID!) {\n    redeliverWebhookDelivery(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload {\n        delivery { ...WebhooksDeliveryFields }\n      }\n      ... on Error { message }\n    }\n  }\n": types.WebhooksRedeliverDocument,
    "\n  query WebhooksDelivery($id: ID!) {\n    node(id: $id) {\n      __typename\n      ...WebhooksDeliveryFields\n    }\n  }\n": types.WebhooksDeliveryDocument,
    "\n  subscription LiveListsFeed {\n    myListsChanged {\n      dataset { id name status deletedAt }\n      trainingJob { id name status }\n      model { id name status }\n    }\n  }\n": types.LiveListsFeedDocument,
    "\n  mutation LiveListsApiKey {\n    createApiKey(input: { name: \"tool\" }) { __typename ... on CreateApiKeyPayload { secret } }\n  }\n": types.LiveListsApiKeyDocument,
    "query VocabularyNodeType($id: ID!) { node(id: $id) { __typename } }": types.VocabularyNodeTypeDocument,
    "fragment VocabularyError on Error { __typename message ... on NotFoundError { id type } }": types.VocabularyErrorFragmentDoc,
    "\n  mutation VocabularyConfirm($id: ID!) {\n    confirmDatasetUpload(id: $id) { ...VocabularyError ... on UploadMissingError { datasetId } }\n  }\n": types.VocabularyConfirmDocument,
    "\n  query VocabularyEstimate($input: EstimateTrainingCostInput!) {\n    estimateTrainingCost(input: $input) { ...VocabularyError ... on DatasetNotReadyError { datasetId } }\n  }\n": types.VocabularyEstimateDocument,
    "\n  mutation VocabularyDelete($id: ID!) {\n    deleteDataset(id: $id) { ...VocabularyError ... on DatasetInUseError { activeJobIds } }\n  }\n": types.VocabularyDeleteDocument,
    "\n  mutation VocabularyCancel($id: ID!) {\n    cancelTrainingJob(id: $id) { ...VocabularyError ... on JobAlreadyFinishedError { jobId } }\n  }\n": types.VocabularyCancelDocument,
    "\n  mutation VocabularyDownload($id: ID!) {\n    createModelDownload(id: $id) { ...VocabularyError ... on ModelNotReadyError { modelId } }\n  }\n": types.VocabularyDownloadDocument,
    "subscription VocabularyJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }": types.VocabularyJobUpdatedDocument,
    "\n  query VocabularyNotifications { notifications(first: 100) { edges { node { type link metadata } } } }\n": types.VocabularyNotificationsDocument,
    "\n  query VocabularyAmounts($id: ID!, $from: DateTime!, $to: DateTime!) {\n    gpuTypes { hourlyRateUsd }\n    trainingJob(id: $id) {\n      estimatedCost\n      maxCost\n      currentCost\n      finalCost\n      estimate { hourlyRateUsd costUsd breakdown { costUsd } low { costUsd } high { costUsd } }\n    }\n    costSummary(from: $from, to: $to, groupBy: MONTH) {\n      __typename\n      ... on CostSummary { total byType { total } monthComparison { thisMonth lastMonth lastMonthToDate } }\n    }\n  }\n": types.VocabularyAmountsDocument,
    "\n  fragment ArtifactsModel on Model {\n    id name status failureReason storedAt totalSize\n    job { id status } dataset { id name } baseModel { id }\n    hyperparameters { epochs learningRate loraRank loraAlpha }\n    files { id name size sha256 contentType }\n    quality { finalValidationLoss bestValidationLoss bestValidationStep finalTrainingLoss perplexity lossReduction rating warnings { code message } }\n  }\n": types.ArtifactsModelFragmentDoc,
    "\n  query ArtifactsJobArtifact($id: ID!) {\n    trainingJob(id: $id) { id artifact { ...ArtifactsModel } }\n  }\n": types.ArtifactsJobArtifactDocument,
    "\n  query ArtifactsModelShow($id: ID!) {\n    model(id: $id) { ...ArtifactsModel }\n  }\n": types.ArtifactsModelShowDocument,
    "\n  mutation ArtifactsDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      __typename\n      ... on ModelDownloadPayload { expiresAt model { id status } files { name url size sha256 contentType expiresAt } }\n      ... on ModelNotReadyError { modelId status message }\n      ... on NotFoundError { id type message }\n    }\n  }\n": types.ArtifactsDownloadDocument,
    "\n  subscription ArtifactsNotificationAdded {\n    notificationAdded { id type title priority link metadata readAt }\n  }\n": types.ArtifactsNotificationAddedDocument,
    "\n  query ArtifactsMyModels {\n    models(first: 10) { totalCount edges { node { id status } } }\n  }\n": types.ArtifactsMyModelsDocument,
    "\n  query ArtifactsTheirModels {\n    models(first: 10) { totalCount edges { node { id } } }\n  }\n": types.ArtifactsTheirModelsDocument,
    "\n  query ArtifactsNode($id: ID!) {\n    node(id: $id) { id ... on ModelFile { name } ... on Model { status } }\n  }\n": types.ArtifactsNodeDocument,
    "\n  query ArtifactsModelsPage($first: Int) {\n    models(first: $first) {\n      totalCount\n      edges {\n        node {\n          id name status totalSize storedAt baseModel { id } hyperparameters { epochs }\n          files { name size sha256 } job { id status finalCost } dataset { id name } quality { rating perplexity }\n        }\n      }\n    }\n  }\n": types.ArtifactsModelsPageDocument,
    "\n  mutation ModelArchiveDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      __typename\n      ... on ModelDownloadPayload { expiresAt archive { name url size contentType expiresAt } }\n      ... on NotFoundError { type }\n      ... on Error { message }\n    }\n  }\n": types.ModelArchiveDownloadDocument,
    "\n  query ModelArchiveModel($id: ID!) {\n    model(id: $id) { archiveName files { name size sha256 } }\n  }\n": types.ModelArchiveModelDocument,
    "\n  query ModelOrderPage($first: Int, $after: String, $orderBy: ModelOrder) {\n    models(first: $first, after: $after, orderBy: $orderBy) {\n      edges {\n        node {\n          name\n          quality { bestValidationLoss }\n          job { bestValidation { step validationLoss tokensTrained } }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ModelOrderPageDocument,
    "query AuthMe { me { id email } }": types.AuthMeDocument,
    "subscription AuthQuiet { notificationAdded { id } }": types.AuthQuietDocument,
    "\n  mutation AuthCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id name prefix revokedAt } }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n": types.AuthCreateApiKeyDocument,
    "\n  mutation AuthRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeyPayload { apiKey { id revokedAt } }\n      ... on NotFoundError { message }\n    }\n  }\n": types.AuthRevokeApiKeyDocument,
    "\n  mutation BudgetSet($input: SetBudgetInput!) {\n    setBudget(input: $input) {\n      __typename\n      ... on SetBudgetPayload { budget { amount hardStop timeZone month spent remaining thresholds { percent amount reachedAt } } }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n": types.BudgetSetDocument,
    "\n  query BudgetShow {\n    budget { amount hardStop timeZone month monthStart monthEnd spent committed projected remaining thresholds { percent amount reachedAt } }\n  }\n": types.BudgetShowDocument,
    "\n  query BudgetLeftAfterJob {\n    budget { a: leftAfterJob(estimatedCost: \"20\") b: leftAfterJob(estimatedCost: \"20\", maxCost: \"5\") }\n  }\n": types.BudgetLeftAfterJobDocument,
    "\n  query BudgetLeftAfterNegative {\n    budget { leftAfterJob(estimatedCost: \"-1\") }\n  }\n": types.BudgetLeftAfterNegativeDocument,
    "\n  mutation BudgetRemove {\n    removeBudget { removed }\n  }\n": types.BudgetRemoveDocument,
    "\n  mutation BudgetCreateJob($input: CreateTrainingJobInput!) {\n    createTrainingJob(input: $input) {\n      __typename\n      ... on BudgetExceededError { message month budget spent committed remaining jobCost }\n    }\n  }\n": types.BudgetCreateJobDocument,
    "\n  subscription BudgetJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) { status }\n  }\n": types.BudgetJobUpdatedDocument,
    "\n  mutation ComputeCostCancelJob($id: ID!) {\n    cancelTrainingJob(id: $id) { __typename }\n  }\n": types.ComputeCostCancelJobDocument,
    "\n  subscription ComputeCostJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) { status }\n  }\n": types.ComputeCostJobUpdatedDocument,
    "\n  query CostSummaryShow($from: DateTime!, $to: DateTime!, $groupBy: CostGroupBy, $topJobs: Int) {\n    costSummary(from: $from, to: $to, groupBy: $groupBy, topJobs: $topJobs) {\n      __typename\n      ... on CostSummary {\n        total currency groupBy\n        series { periodStart periodEnd total byType { type total } }\n        byType { type total }\n        byGpuType { gpuType total }\n        topJobs { job { id name } total }\n        monthComparison { thisMonthStart thisMonth lastMonth lastMonthToDate changePercent }\n      }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n": types.CostSummaryShowDocument,
    "subscription IssuesDatasetStatus($id: ID!) { datasetUpdated(id: $id) { id status } }": types.IssuesDatasetStatusDocument,
    "\n  query Issues($id: ID!, $code: String, $offset: Int, $first: Int) {\n    dataset(id: $id) {\n      format\n      status\n      suggestedFormat\n      validation {\n        groups { code severity meaning count stored }\n        issues(code: $code, offset: $offset, first: $first) { line path code severity message excerpt }\n      }\n    }\n  }\n": types.IssuesDocument,
    "\n  query IssuesReport($id: ID!, $format: IssueReportFormat!) {\n    dataset(id: $id) { validation { report(format: $format) } }\n  }\n": types.IssuesReportDocument,
    "\n  mutation IssuesRecheck($id: ID!, $format: DatasetFormat!) {\n    recheckDataset(id: $id, format: $format) {\n      __typename\n      ... on DatasetPayload { dataset { id status format validation { valid } } }\n      ... on NotFoundError { type }\n      ... on InvalidInputError { problems { path message } }\n      ... on DatasetInUseError { activeJobIds }\n      ... on Error { message }\n    }\n  }\n": types.IssuesRecheckDocument,
    "mutation LifecycleDelete($id: ID!) { deleteDataset(id: $id) { __typename } }": types.LifecycleDeleteDocument,
    "\n  mutation LifecycleCreate($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload { dataset { id } upload { url } }\n      ... on QuotaExceededError { message exceeded { quota limit used } }\n    }\n  }\n": types.LifecycleCreateDocument,
    "query LifecycleDataset($id: ID!) { dataset(id: $id) { id } }": types.LifecycleDatasetDocument,
    "query LifecycleQuotas { me { datasetQuotas { quota limit used } } }": types.LifecycleQuotasDocument,
    "\n  query DatasetListPage($after: String) {\n    datasets(first: 100, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id name status fileSize baseModel { id } } }\n    }\n  }\n": types.DatasetListPageDocument,
    "\n  query DatasetListSpecial {\n    datasets(first: 5, filter: { status: [READY], search: \"SPECIAL\" }) { totalCount edges { node { status name } } }\n  }\n": types.DatasetListSpecialDocument,
    "query DatasetListFirstTen { datasets(first: 10) { totalCount edges { node { id } } } }": types.DatasetListFirstTenDocument,
    "query UploadFlowDataset($id: ID!) { dataset(id: $id) { id } }": types.UploadFlowDatasetDocument,
    "mutation UploadFlowDelete($id: ID!) { deleteDataset(id: $id) { __typename ... on DatasetPayload { dataset { deletedAt } } } }": types.UploadFlowDeleteDocument,
    "query UploadFlowToDelete { datasets(first: 100, filter: { search: \"to delete\" }) { totalCount } }": types.UploadFlowToDeleteDocument,
    "\n  query NotificationsList($first: Int, $after: String, $unreadOnly: Boolean) {\n    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id type title message priority link metadata read readAt createdAt } }\n    }\n    unreadNotificationCount\n  }\n": types.NotificationsListDocument,
    "\n  mutation NotificationsMark($id: ID!) {\n    markNotificationRead(id: $id) {\n      __typename\n      ... on MarkNotificationReadPayload { unreadCount notification { id read readAt } }\n      ... on NotFoundError { id type }\n    }\n  }\n": types.NotificationsMarkDocument,
    "mutation NotificationsMarkAll { markAllNotificationsRead { count readAt unreadCount } }": types.NotificationsMarkAllDocument,
    "\n  subscription NotificationsAdded { notificationAdded { id type title priority link metadata readAt } }\n": types.NotificationsAddedDocument,
    "query NotificationsNode($id: ID!) { node(id: $id) { id } }": types.NotificationsNodeDocument,
    "query NotificationsUnreadCount { unreadNotificationCount }": types.NotificationsUnreadCountDocument,
    "\n  subscription AlertsTrainingMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { lastStep }\n  }\n": types.AlertsTrainingMetricsDocument,
    "query ApiHardeningOrdinary { me { id email } trainingJobs(first: 20) { totalCount edges { node { id status } } } }": types.ApiHardeningOrdinaryDocument,
    "query ApiHardeningTypename { __typename }": types.ApiHardeningTypenameDocument,
    "query MetricsMe { me { id } }": types.MetricsMeDocument,
    "query MetricsUnread { unreadNotificationCount }": types.MetricsUnreadDocument,
    "mutation MetricsMarkAll { markAllNotificationsRead { count } }": types.MetricsMarkAllDocument,
    "subscription MetricsAdded { notificationAdded { id } }": types.MetricsAddedDocument,
    "\n  query RequestLogsMe {\n    me { id }\n  }\n": types.RequestLogsMeDocument,
    "\n  mutation WebhookDeliveryCancelJob($id: ID!) {\n    cancelTrainingJob(id: $id) { __typename }\n  }\n": types.WebhookDeliveryCancelJobDocument,
    "\n  mutation WebhookDeliverySetBudget($input: SetBudgetInput!) {\n    setBudget(input: $input) { __typename }\n  }\n": types.WebhookDeliverySetBudgetDocument,
    "\n  query WebhookDeliveryEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) { enabled disabledReason consecutiveFailures }\n  }\n": types.WebhookDeliveryEndpointDocument,
    "\n  query WebhookDeliveryNotifications {\n    notifications(first: 10) { edges { node { type title message } } }\n  }\n": types.WebhookDeliveryNotificationsDocument,
    "\n  mutation WebhookDeliveryEnableEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointPayload { webhookEndpoint { enabled consecutiveFailures disabledReason } }\n    }\n  }\n": types.WebhookDeliveryEnableEndpointDocument,
    "\n  subscription WebhookDeliveryUpdated {\n    webhookDeliveryUpdated { id status attemptCount attempts { responseStatus } }\n  }\n": types.WebhookDeliveryUpdatedDocument,
    "\n  mutation WebhookUrlPolicyUpdate($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n": types.WebhookUrlPolicyUpdateDocument,
    "\n  query WebhookUrlPolicyEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) { url }\n  }\n": types.WebhookUrlPolicyEndpointDocument,
    "\n  subscription RestartMetrics($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { points { step } }\n  }\n": types.RestartMetricsDocument,
    "query RestartMe { me { id } }": types.RestartMeDocument,
    "\n  subscription ScaleOutMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { lastStep points { step } }\n  }\n": types.ScaleOutMetricsDocument,
    "\n  subscription ScaleOutUpdates($id: ID!) {\n    trainingJobUpdated(id: $id) { status currentStep totalSteps }\n  }\n": types.ScaleOutUpdatesDocument,
    "\n  subscription ServerCrashMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { points { step } }\n  }\n": types.ServerCrashMetricsDocument,
    "\n  mutation BadInputCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n": types.BadInputCreateDatasetDocument,
    "\n  mutation BadInputCreateJob($input: CreateTrainingJobInput!) {\n    createTrainingJob(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n": types.BadInputCreateJobDocument,
    "\n  subscription ConnectionLimitsQuiet {\n    notificationAdded { id }\n  }\n": types.ConnectionLimitsQuietDocument,
    "\n  query ConnectionLimitsMe {\n    me { id }\n  }\n": types.ConnectionLimitsMeDocument,
    "query ForeignCursorsPage($after: String) { datasets(first: 5, after: $after) { edges { node { id } } } }": types.ForeignCursorsPageDocument,
    "query ForeignCursorsFirst { datasets(first: 1) { pageInfo { endCursor } edges { node { id } } } }": types.ForeignCursorsFirstDocument,
    "query JwtMe { me { id email } }": types.JwtMeDocument,
    "query JwtMeNamed { me { email name } }": types.JwtMeNamedDocument,
    "\n  query QueryCostOrdinary($n: Int = 100) {\n    me { id }\n    trainingJobs(first: $n) { totalCount edges { node { id metrics(maxPoints: $n) { step } } } }\n  }\n": types.QueryCostOrdinaryDocument,
    "\n  mutation StorageUrlsDownload($id: ID!) { createModelDownload(id: $id) { __typename ... on ModelDownloadPayload { files { name url sha256 } } } }\n": types.StorageUrlsDownloadDocument,
    "\n  query TrainingJobPage($first: Int, $after: String, $last: Int, $before: String) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.TrainingJobPageDocument,
    "\n  fragment MetricsPointFields on MetricPoint {\n    step epoch trainingLoss validationLoss learningRate gradNorm throughput tokensTrained gpuUtilization recordedAt\n  }\n": types.MetricsPointFieldsFragmentDoc,
    "\n  subscription MetricsStream($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { lastStep points { ...MetricsPointFields } }\n  }\n": types.MetricsStreamDocument,
    "\n  query MetricsStored($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10000) { ...MetricsPointFields } } }\n": types.MetricsStoredDocument,
    "\n  query MetricsSeries($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10) { step trainingLoss } } }\n": types.MetricsSeriesDocument,
    "mutation MetricsCancel($id: ID!) { cancelTrainingJob(id: $id) { __typename } }": types.MetricsCancelDocument,
    "subscription MetricsJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }": types.MetricsJobUpdatedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BrowserListsApiKey { createApiKey(input: { name: \"a tool\" }) { __typename ... on CreateApiKeyPayload { secret } } }\n"): (typeof documents)["\n  mutation BrowserListsApiKey { createApiKey(input: { name: \"a tool\" }) { __typename ... on CreateApiKeyPayload { secret } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BrowserListsCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { __typename ... on CreateDatasetPayload { dataset { id } upload { url method headers } } }\n  }\n"): (typeof documents)["\n  mutation BrowserListsCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { __typename ... on CreateDatasetPayload { dataset { id } upload { url method headers } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation BrowserListsConfirm($id: ID!) { confirmDatasetUpload(id: $id) { __typename } }"): (typeof documents)["mutation BrowserListsConfirm($id: ID!) { confirmDatasetUpload(id: $id) { __typename } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BrowserListsCreateJob($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) { __typename } }\n"): (typeof documents)["\n  mutation BrowserListsCreateJob($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) { __typename } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HelperCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload { dataset { id status fileSize } upload { url method headers expiresAt } }\n      ... on InvalidInputError { message problems { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation HelperCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload { dataset { id status fileSize } upload { url method headers expiresAt } }\n      ... on InvalidInputError { message problems { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HelperConfirmUpload($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      __typename\n      ... on DatasetPayload { dataset { id status } }\n      ... on Error { message }\n    }\n  }\n"): (typeof documents)["\n  mutation HelperConfirmUpload($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      __typename\n      ... on DatasetPayload { dataset { id status } }\n      ... on Error { message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription HelperDatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n      errorCount\n      warningCount\n      statistics {\n        examples\n        trainingPairs\n        totalTokens\n        tokensPerExample { min mean p95 max }\n        examplesOverContext\n        roleCounts { system user assistant }\n        duplicates\n      }\n      validation {\n        valid\n        errorCount\n        truncated\n        tokenCountsExact\n        countsByCode { code count }\n        issues { line path code severity message }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription HelperDatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n      errorCount\n      warningCount\n      statistics {\n        examples\n        trainingPairs\n        totalTokens\n        tokensPerExample { min mean p95 max }\n        examplesOverContext\n        roleCounts { system user assistant }\n        duplicates\n      }\n      validation {\n        valid\n        errorCount\n        truncated\n        tokenCountsExact\n        countsByCode { code count }\n        issues { line path code severity message }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FactoryMe { me { id } }"): (typeof documents)["query FactoryMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoredModelArtifact($id: ID!) { trainingJob(id: $id) { artifact { id status files { id name } } } }\n"): (typeof documents)["\n  query StoredModelArtifact($id: ID!) { trainingJob(id: $id) { artifact { id status files { id name } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhooksEndpointFields on WebhookEndpoint {\n    id url description eventTypes enabled disabledReason consecutiveFailures previousSecretExpiresAt\n  }\n"): (typeof documents)["\n  fragment WebhooksEndpointFields on WebhookEndpoint {\n    id url description eventTypes enabled disabledReason consecutiveFailures previousSecretExpiresAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhooksDeliveryFields on WebhookDelivery {\n    id eventId eventType status attemptCount nextAttemptAt deliveredAt payload\n    attempts { startedAt durationMs succeeded responseStatus responseBody error }\n  }\n"): (typeof documents)["\n  fragment WebhooksDeliveryFields on WebhookDelivery {\n    id eventId eventType status attemptCount nextAttemptAt deliveredAt payload\n    attempts { startedAt durationMs succeeded responseStatus responseBody error }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhooksCreateEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload {\n        secret\n        webhookEndpoint { ...WebhooksEndpointFields }\n      }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation WebhooksCreateEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload {\n        secret\n        webhookEndpoint { ...WebhooksEndpointFields }\n      }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhooksSendTest($id: ID!) {\n    sendWebhookTestEvent(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload {\n        delivery { ...WebhooksDeliveryFields }\n      }\n      ... on Error { message }\n    }\n  }\n"): (typeof documents)["\n  mutation WebhooksSendTest($id: ID!) {\n    sendWebhookTestEvent(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload {\n        delivery { ...WebhooksDeliveryFields }\n      }\n      ... on Error { message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhooksRotateSecret($id: ID!) {\n    rotateWebhookEndpointSecret(id: $id) {\n      __typename\n      ... on WebhookEndpointSecretPayload {\n        secret\n        webhookEndpoint { ...WebhooksEndpointFields }\n      }\n      ... on Error { message }\n    }\n  }\n"): (typeof documents)["\n  mutation WebhooksRotateSecret($id: ID!) {\n    rotateWebhookEndpointSecret(id: $id) {\n      __typename\n      ... on WebhookEndpointSecretPayload {\n        secret\n        webhookEndpoint { ...WebhooksEndpointFields }\n      }\n      ... on Error { message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhooksRedeliver($id: ID!) {\n    redeliverWebhookDelivery(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload {\n        delivery { ...WebhooksDeliveryFields }\n      }\n      ... on Error { message }\n    }\n  }\n"): (typeof documents)["\n  mutation WebhooksRedeliver($id: ID!) {\n    redeliverWebhookDelivery(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload {\n        delivery { ...WebhooksDeliveryFields }\n      }\n      ... on Error { message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhooksDelivery($id: ID!) {\n    node(id: $id) {\n      __typename\n      ...WebhooksDeliveryFields\n    }\n  }\n"): (typeof documents)["\n  query WebhooksDelivery($id: ID!) {\n    node(id: $id) {\n      __typename\n      ...WebhooksDeliveryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveListsFeed {\n    myListsChanged {\n      dataset { id name status deletedAt }\n      trainingJob { id name status }\n      model { id name status }\n    }\n  }\n"): (typeof documents)["\n  subscription LiveListsFeed {\n    myListsChanged {\n      dataset { id name status deletedAt }\n      trainingJob { id name status }\n      model { id name status }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LiveListsApiKey {\n    createApiKey(input: { name: \"tool\" }) { __typename ... on CreateApiKeyPayload { secret } }\n  }\n"): (typeof documents)["\n  mutation LiveListsApiKey {\n    createApiKey(input: { name: \"tool\" }) { __typename ... on CreateApiKeyPayload { secret } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query VocabularyNodeType($id: ID!) { node(id: $id) { __typename } }"): (typeof documents)["query VocabularyNodeType($id: ID!) { node(id: $id) { __typename } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment VocabularyError on Error { __typename message ... on NotFoundError { id type } }"): (typeof documents)["fragment VocabularyError on Error { __typename message ... on NotFoundError { id type } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VocabularyConfirm($id: ID!) {\n    confirmDatasetUpload(id: $id) { ...VocabularyError ... on UploadMissingError { datasetId } }\n  }\n"): (typeof documents)["\n  mutation VocabularyConfirm($id: ID!) {\n    confirmDatasetUpload(id: $id) { ...VocabularyError ... on UploadMissingError { datasetId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VocabularyEstimate($input: EstimateTrainingCostInput!) {\n    estimateTrainingCost(input: $input) { ...VocabularyError ... on DatasetNotReadyError { datasetId } }\n  }\n"): (typeof documents)["\n  query VocabularyEstimate($input: EstimateTrainingCostInput!) {\n    estimateTrainingCost(input: $input) { ...VocabularyError ... on DatasetNotReadyError { datasetId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VocabularyDelete($id: ID!) {\n    deleteDataset(id: $id) { ...VocabularyError ... on DatasetInUseError { activeJobIds } }\n  }\n"): (typeof documents)["\n  mutation VocabularyDelete($id: ID!) {\n    deleteDataset(id: $id) { ...VocabularyError ... on DatasetInUseError { activeJobIds } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VocabularyCancel($id: ID!) {\n    cancelTrainingJob(id: $id) { ...VocabularyError ... on JobAlreadyFinishedError { jobId } }\n  }\n"): (typeof documents)["\n  mutation VocabularyCancel($id: ID!) {\n    cancelTrainingJob(id: $id) { ...VocabularyError ... on JobAlreadyFinishedError { jobId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VocabularyDownload($id: ID!) {\n    createModelDownload(id: $id) { ...VocabularyError ... on ModelNotReadyError { modelId } }\n  }\n"): (typeof documents)["\n  mutation VocabularyDownload($id: ID!) {\n    createModelDownload(id: $id) { ...VocabularyError ... on ModelNotReadyError { modelId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription VocabularyJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }"): (typeof documents)["subscription VocabularyJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VocabularyNotifications { notifications(first: 100) { edges { node { type link metadata } } } }\n"): (typeof documents)["\n  query VocabularyNotifications { notifications(first: 100) { edges { node { type link metadata } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VocabularyAmounts($id: ID!, $from: DateTime!, $to: DateTime!) {\n    gpuTypes { hourlyRateUsd }\n    trainingJob(id: $id) {\n      estimatedCost\n      maxCost\n      currentCost\n      finalCost\n      estimate { hourlyRateUsd costUsd breakdown { costUsd } low { costUsd } high { costUsd } }\n    }\n    costSummary(from: $from, to: $to, groupBy: MONTH) {\n      __typename\n      ... on CostSummary { total byType { total } monthComparison { thisMonth lastMonth lastMonthToDate } }\n    }\n  }\n"): (typeof documents)["\n  query VocabularyAmounts($id: ID!, $from: DateTime!, $to: DateTime!) {\n    gpuTypes { hourlyRateUsd }\n    trainingJob(id: $id) {\n      estimatedCost\n      maxCost\n      currentCost\n      finalCost\n      estimate { hourlyRateUsd costUsd breakdown { costUsd } low { costUsd } high { costUsd } }\n    }\n    costSummary(from: $from, to: $to, groupBy: MONTH) {\n      __typename\n      ... on CostSummary { total byType { total } monthComparison { thisMonth lastMonth lastMonthToDate } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ArtifactsModel on Model {\n    id name status failureReason storedAt totalSize\n    job { id status } dataset { id name } baseModel { id }\n    hyperparameters { epochs learningRate loraRank loraAlpha }\n    files { id name size sha256 contentType }\n    quality { finalValidationLoss bestValidationLoss bestValidationStep finalTrainingLoss perplexity lossReduction rating warnings { code message } }\n  }\n"): (typeof documents)["\n  fragment ArtifactsModel on Model {\n    id name status failureReason storedAt totalSize\n    job { id status } dataset { id name } baseModel { id }\n    hyperparameters { epochs learningRate loraRank loraAlpha }\n    files { id name size sha256 contentType }\n    quality { finalValidationLoss bestValidationLoss bestValidationStep finalTrainingLoss perplexity lossReduction rating warnings { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ArtifactsJobArtifact($id: ID!) {\n    trainingJob(id: $id) { id artifact { ...ArtifactsModel } }\n  }\n"): (typeof documents)["\n  query ArtifactsJobArtifact($id: ID!) {\n    trainingJob(id: $id) { id artifact { ...ArtifactsModel } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ArtifactsModelShow($id: ID!) {\n    model(id: $id) { ...ArtifactsModel }\n  }\n"): (typeof documents)["\n  query ArtifactsModelShow($id: ID!) {\n    model(id: $id) { ...ArtifactsModel }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArtifactsDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      __typename\n      ... on ModelDownloadPayload { expiresAt model { id status } files { name url size sha256 contentType expiresAt } }\n      ... on ModelNotReadyError { modelId status message }\n      ... on NotFoundError { id type message }\n    }\n  }\n"): (typeof documents)["\n  mutation ArtifactsDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      __typename\n      ... on ModelDownloadPayload { expiresAt model { id status } files { name url size sha256 contentType expiresAt } }\n      ... on ModelNotReadyError { modelId status message }\n      ... on NotFoundError { id type message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ArtifactsNotificationAdded {\n    notificationAdded { id type title priority link metadata readAt }\n  }\n"): (typeof documents)["\n  subscription ArtifactsNotificationAdded {\n    notificationAdded { id type title priority link metadata readAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ArtifactsMyModels {\n    models(first: 10) { totalCount edges { node { id status } } }\n  }\n"): (typeof documents)["\n  query ArtifactsMyModels {\n    models(first: 10) { totalCount edges { node { id status } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ArtifactsTheirModels {\n    models(first: 10) { totalCount edges { node { id } } }\n  }\n"): (typeof documents)["\n  query ArtifactsTheirModels {\n    models(first: 10) { totalCount edges { node { id } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ArtifactsNode($id: ID!) {\n    node(id: $id) { id ... on ModelFile { name } ... on Model { status } }\n  }\n"): (typeof documents)["\n  query ArtifactsNode($id: ID!) {\n    node(id: $id) { id ... on ModelFile { name } ... on Model { status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ArtifactsModelsPage($first: Int) {\n    models(first: $first) {\n      totalCount\n      edges {\n        node {\n          id name status totalSize storedAt baseModel { id } hyperparameters { epochs }\n          files { name size sha256 } job { id status finalCost } dataset { id name } quality { rating perplexity }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ArtifactsModelsPage($first: Int) {\n    models(first: $first) {\n      totalCount\n      edges {\n        node {\n          id name status totalSize storedAt baseModel { id } hyperparameters { epochs }\n          files { name size sha256 } job { id status finalCost } dataset { id name } quality { rating perplexity }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ModelArchiveDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      __typename\n      ... on ModelDownloadPayload { expiresAt archive { name url size contentType expiresAt } }\n      ... on NotFoundError { type }\n      ... on Error { message }\n    }\n  }\n"): (typeof documents)["\n  mutation ModelArchiveDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      __typename\n      ... on ModelDownloadPayload { expiresAt archive { name url size contentType expiresAt } }\n      ... on NotFoundError { type }\n      ... on Error { message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelArchiveModel($id: ID!) {\n    model(id: $id) { archiveName files { name size sha256 } }\n  }\n"): (typeof documents)["\n  query ModelArchiveModel($id: ID!) {\n    model(id: $id) { archiveName files { name size sha256 } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelOrderPage($first: Int, $after: String, $orderBy: ModelOrder) {\n    models(first: $first, after: $after, orderBy: $orderBy) {\n      edges {\n        node {\n          name\n          quality { bestValidationLoss }\n          job { bestValidation { step validationLoss tokensTrained } }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ModelOrderPage($first: Int, $after: String, $orderBy: ModelOrder) {\n    models(first: $first, after: $after, orderBy: $orderBy) {\n      edges {\n        node {\n          name\n          quality { bestValidationLoss }\n          job { bestValidation { step validationLoss tokensTrained } }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AuthMe { me { id email } }"): (typeof documents)["query AuthMe { me { id email } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription AuthQuiet { notificationAdded { id } }"): (typeof documents)["subscription AuthQuiet { notificationAdded { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id name prefix revokedAt } }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation AuthCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id name prefix revokedAt } }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeyPayload { apiKey { id revokedAt } }\n      ... on NotFoundError { message }\n    }\n  }\n"): (typeof documents)["\n  mutation AuthRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeyPayload { apiKey { id revokedAt } }\n      ... on NotFoundError { message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BudgetSet($input: SetBudgetInput!) {\n    setBudget(input: $input) {\n      __typename\n      ... on SetBudgetPayload { budget { amount hardStop timeZone month spent remaining thresholds { percent amount reachedAt } } }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation BudgetSet($input: SetBudgetInput!) {\n    setBudget(input: $input) {\n      __typename\n      ... on SetBudgetPayload { budget { amount hardStop timeZone month spent remaining thresholds { percent amount reachedAt } } }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BudgetShow {\n    budget { amount hardStop timeZone month monthStart monthEnd spent committed projected remaining thresholds { percent amount reachedAt } }\n  }\n"): (typeof documents)["\n  query BudgetShow {\n    budget { amount hardStop timeZone month monthStart monthEnd spent committed projected remaining thresholds { percent amount reachedAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BudgetLeftAfterJob {\n    budget { a: leftAfterJob(estimatedCost: \"20\") b: leftAfterJob(estimatedCost: \"20\", maxCost: \"5\") }\n  }\n"): (typeof documents)["\n  query BudgetLeftAfterJob {\n    budget { a: leftAfterJob(estimatedCost: \"20\") b: leftAfterJob(estimatedCost: \"20\", maxCost: \"5\") }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BudgetLeftAfterNegative {\n    budget { leftAfterJob(estimatedCost: \"-1\") }\n  }\n"): (typeof documents)["\n  query BudgetLeftAfterNegative {\n    budget { leftAfterJob(estimatedCost: \"-1\") }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BudgetRemove {\n    removeBudget { removed }\n  }\n"): (typeof documents)["\n  mutation BudgetRemove {\n    removeBudget { removed }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BudgetCreateJob($input: CreateTrainingJobInput!) {\n    createTrainingJob(input: $input) {\n      __typename\n      ... on BudgetExceededError { message month budget spent committed remaining jobCost }\n    }\n  }\n"): (typeof documents)["\n  mutation BudgetCreateJob($input: CreateTrainingJobInput!) {\n    createTrainingJob(input: $input) {\n      __typename\n      ... on BudgetExceededError { message month budget spent committed remaining jobCost }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BudgetJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) { status }\n  }\n"): (typeof documents)["\n  subscription BudgetJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) { status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ComputeCostCancelJob($id: ID!) {\n    cancelTrainingJob(id: $id) { __typename }\n  }\n"): (typeof documents)["\n  mutation ComputeCostCancelJob($id: ID!) {\n    cancelTrainingJob(id: $id) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ComputeCostJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) { status }\n  }\n"): (typeof documents)["\n  subscription ComputeCostJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) { status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CostSummaryShow($from: DateTime!, $to: DateTime!, $groupBy: CostGroupBy, $topJobs: Int) {\n    costSummary(from: $from, to: $to, groupBy: $groupBy, topJobs: $topJobs) {\n      __typename\n      ... on CostSummary {\n        total currency groupBy\n        series { periodStart periodEnd total byType { type total } }\n        byType { type total }\n        byGpuType { gpuType total }\n        topJobs { job { id name } total }\n        monthComparison { thisMonthStart thisMonth lastMonth lastMonthToDate changePercent }\n      }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n"): (typeof documents)["\n  query CostSummaryShow($from: DateTime!, $to: DateTime!, $groupBy: CostGroupBy, $topJobs: Int) {\n    costSummary(from: $from, to: $to, groupBy: $groupBy, topJobs: $topJobs) {\n      __typename\n      ... on CostSummary {\n        total currency groupBy\n        series { periodStart periodEnd total byType { type total } }\n        byType { type total }\n        byGpuType { gpuType total }\n        topJobs { job { id name } total }\n        monthComparison { thisMonthStart thisMonth lastMonth lastMonthToDate changePercent }\n      }\n      ... on InvalidInputError { problems { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription IssuesDatasetStatus($id: ID!) { datasetUpdated(id: $id) { id status } }"): (typeof documents)["subscription IssuesDatasetStatus($id: ID!) { datasetUpdated(id: $id) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Issues($id: ID!, $code: String, $offset: Int, $first: Int) {\n    dataset(id: $id) {\n      format\n      status\n      suggestedFormat\n      validation {\n        groups { code severity meaning count stored }\n        issues(code: $code, offset: $offset, first: $first) { line path code severity message excerpt }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Issues($id: ID!, $code: String, $offset: Int, $first: Int) {\n    dataset(id: $id) {\n      format\n      status\n      suggestedFormat\n      validation {\n        groups { code severity meaning count stored }\n        issues(code: $code, offset: $offset, first: $first) { line path code severity message excerpt }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IssuesReport($id: ID!, $format: IssueReportFormat!) {\n    dataset(id: $id) { validation { report(format: $format) } }\n  }\n"): (typeof documents)["\n  query IssuesReport($id: ID!, $format: IssueReportFormat!) {\n    dataset(id: $id) { validation { report(format: $format) } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IssuesRecheck($id: ID!, $format: DatasetFormat!) {\n    recheckDataset(id: $id, format: $format) {\n      __typename\n      ... on DatasetPayload { dataset { id status format validation { valid } } }\n      ... on NotFoundError { type }\n      ... on InvalidInputError { problems { path message } }\n      ... on DatasetInUseError { activeJobIds }\n      ... on Error { message }\n    }\n  }\n"): (typeof documents)["\n  mutation IssuesRecheck($id: ID!, $format: DatasetFormat!) {\n    recheckDataset(id: $id, format: $format) {\n      __typename\n      ... on DatasetPayload { dataset { id status format validation { valid } } }\n      ... on NotFoundError { type }\n      ... on InvalidInputError { problems { path message } }\n      ... on DatasetInUseError { activeJobIds }\n      ... on Error { message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation LifecycleDelete($id: ID!) { deleteDataset(id: $id) { __typename } }"): (typeof documents)["mutation LifecycleDelete($id: ID!) { deleteDataset(id: $id) { __typename } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LifecycleCreate($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload { dataset { id } upload { url } }\n      ... on QuotaExceededError { message exceeded { quota limit used } }\n    }\n  }\n"): (typeof documents)["\n  mutation LifecycleCreate($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload { dataset { id } upload { url } }\n      ... on QuotaExceededError { message exceeded { quota limit used } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LifecycleDataset($id: ID!) { dataset(id: $id) { id } }"): (typeof documents)["query LifecycleDataset($id: ID!) { dataset(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LifecycleQuotas { me { datasetQuotas { quota limit used } } }"): (typeof documents)["query LifecycleQuotas { me { datasetQuotas { quota limit used } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetListPage($after: String) {\n    datasets(first: 100, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id name status fileSize baseModel { id } } }\n    }\n  }\n"): (typeof documents)["\n  query DatasetListPage($after: String) {\n    datasets(first: 100, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id name status fileSize baseModel { id } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetListSpecial {\n    datasets(first: 5, filter: { status: [READY], search: \"SPECIAL\" }) { totalCount edges { node { status name } } }\n  }\n"): (typeof documents)["\n  query DatasetListSpecial {\n    datasets(first: 5, filter: { status: [READY], search: \"SPECIAL\" }) { totalCount edges { node { status name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DatasetListFirstTen { datasets(first: 10) { totalCount edges { node { id } } } }"): (typeof documents)["query DatasetListFirstTen { datasets(first: 10) { totalCount edges { node { id } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query UploadFlowDataset($id: ID!) { dataset(id: $id) { id } }"): (typeof documents)["query UploadFlowDataset($id: ID!) { dataset(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UploadFlowDelete($id: ID!) { deleteDataset(id: $id) { __typename ... on DatasetPayload { dataset { deletedAt } } } }"): (typeof documents)["mutation UploadFlowDelete($id: ID!) { deleteDataset(id: $id) { __typename ... on DatasetPayload { dataset { deletedAt } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query UploadFlowToDelete { datasets(first: 100, filter: { search: \"to delete\" }) { totalCount } }"): (typeof documents)["query UploadFlowToDelete { datasets(first: 100, filter: { search: \"to delete\" }) { totalCount } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationsList($first: Int, $after: String, $unreadOnly: Boolean) {\n    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id type title message priority link metadata read readAt createdAt } }\n    }\n    unreadNotificationCount\n  }\n"): (typeof documents)["\n  query NotificationsList($first: Int, $after: String, $unreadOnly: Boolean) {\n    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id type title message priority link metadata read readAt createdAt } }\n    }\n    unreadNotificationCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotificationsMark($id: ID!) {\n    markNotificationRead(id: $id) {\n      __typename\n      ... on MarkNotificationReadPayload { unreadCount notification { id read readAt } }\n      ... on NotFoundError { id type }\n    }\n  }\n"): (typeof documents)["\n  mutation NotificationsMark($id: ID!) {\n    markNotificationRead(id: $id) {\n      __typename\n      ... on MarkNotificationReadPayload { unreadCount notification { id read readAt } }\n      ... on NotFoundError { id type }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation NotificationsMarkAll { markAllNotificationsRead { count readAt unreadCount } }"): (typeof documents)["mutation NotificationsMarkAll { markAllNotificationsRead { count readAt unreadCount } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NotificationsAdded { notificationAdded { id type title priority link metadata readAt } }\n"): (typeof documents)["\n  subscription NotificationsAdded { notificationAdded { id type title priority link metadata readAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NotificationsNode($id: ID!) { node(id: $id) { id } }"): (typeof documents)["query NotificationsNode($id: ID!) { node(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NotificationsUnreadCount { unreadNotificationCount }"): (typeof documents)["query NotificationsUnreadCount { unreadNotificationCount }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertsTrainingMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { lastStep }\n  }\n"): (typeof documents)["\n  subscription AlertsTrainingMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { lastStep }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ApiHardeningOrdinary { me { id email } trainingJobs(first: 20) { totalCount edges { node { id status } } } }"): (typeof documents)["query ApiHardeningOrdinary { me { id email } trainingJobs(first: 20) { totalCount edges { node { id status } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ApiHardeningTypename { __typename }"): (typeof documents)["query ApiHardeningTypename { __typename }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MetricsMe { me { id } }"): (typeof documents)["query MetricsMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MetricsUnread { unreadNotificationCount }"): (typeof documents)["query MetricsUnread { unreadNotificationCount }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsMarkAll { markAllNotificationsRead { count } }"): (typeof documents)["mutation MetricsMarkAll { markAllNotificationsRead { count } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription MetricsAdded { notificationAdded { id } }"): (typeof documents)["subscription MetricsAdded { notificationAdded { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RequestLogsMe {\n    me { id }\n  }\n"): (typeof documents)["\n  query RequestLogsMe {\n    me { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhookDeliveryCancelJob($id: ID!) {\n    cancelTrainingJob(id: $id) { __typename }\n  }\n"): (typeof documents)["\n  mutation WebhookDeliveryCancelJob($id: ID!) {\n    cancelTrainingJob(id: $id) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhookDeliverySetBudget($input: SetBudgetInput!) {\n    setBudget(input: $input) { __typename }\n  }\n"): (typeof documents)["\n  mutation WebhookDeliverySetBudget($input: SetBudgetInput!) {\n    setBudget(input: $input) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveryEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) { enabled disabledReason consecutiveFailures }\n  }\n"): (typeof documents)["\n  query WebhookDeliveryEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) { enabled disabledReason consecutiveFailures }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveryNotifications {\n    notifications(first: 10) { edges { node { type title message } } }\n  }\n"): (typeof documents)["\n  query WebhookDeliveryNotifications {\n    notifications(first: 10) { edges { node { type title message } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhookDeliveryEnableEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointPayload { webhookEndpoint { enabled consecutiveFailures disabledReason } }\n    }\n  }\n"): (typeof documents)["\n  mutation WebhookDeliveryEnableEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointPayload { webhookEndpoint { enabled consecutiveFailures disabledReason } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WebhookDeliveryUpdated {\n    webhookDeliveryUpdated { id status attemptCount attempts { responseStatus } }\n  }\n"): (typeof documents)["\n  subscription WebhookDeliveryUpdated {\n    webhookDeliveryUpdated { id status attemptCount attempts { responseStatus } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhookUrlPolicyUpdate($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n"): (typeof documents)["\n  mutation WebhookUrlPolicyUpdate($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookUrlPolicyEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) { url }\n  }\n"): (typeof documents)["\n  query WebhookUrlPolicyEndpoint($id: ID!) {\n    webhookEndpoint(id: $id) { url }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RestartMetrics($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { points { step } }\n  }\n"): (typeof documents)["\n  subscription RestartMetrics($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { points { step } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RestartMe { me { id } }"): (typeof documents)["query RestartMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ScaleOutMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { lastStep points { step } }\n  }\n"): (typeof documents)["\n  subscription ScaleOutMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { lastStep points { step } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ScaleOutUpdates($id: ID!) {\n    trainingJobUpdated(id: $id) { status currentStep totalSteps }\n  }\n"): (typeof documents)["\n  subscription ScaleOutUpdates($id: ID!) {\n    trainingJobUpdated(id: $id) { status currentStep totalSteps }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ServerCrashMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { points { step } }\n  }\n"): (typeof documents)["\n  subscription ServerCrashMetrics($jobId: ID!) {\n    trainingMetrics(jobId: $jobId) { points { step } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BadInputCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n"): (typeof documents)["\n  mutation BadInputCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BadInputCreateJob($input: CreateTrainingJobInput!) {\n    createTrainingJob(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n"): (typeof documents)["\n  mutation BadInputCreateJob($input: CreateTrainingJobInput!) {\n    createTrainingJob(input: $input) { __typename ... on InvalidInputError { problems { path } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConnectionLimitsQuiet {\n    notificationAdded { id }\n  }\n"): (typeof documents)["\n  subscription ConnectionLimitsQuiet {\n    notificationAdded { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConnectionLimitsMe {\n    me { id }\n  }\n"): (typeof documents)["\n  query ConnectionLimitsMe {\n    me { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ForeignCursorsPage($after: String) { datasets(first: 5, after: $after) { edges { node { id } } } }"): (typeof documents)["query ForeignCursorsPage($after: String) { datasets(first: 5, after: $after) { edges { node { id } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ForeignCursorsFirst { datasets(first: 1) { pageInfo { endCursor } edges { node { id } } } }"): (typeof documents)["query ForeignCursorsFirst { datasets(first: 1) { pageInfo { endCursor } edges { node { id } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query JwtMe { me { id email } }"): (typeof documents)["query JwtMe { me { id email } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query JwtMeNamed { me { email name } }"): (typeof documents)["query JwtMeNamed { me { email name } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueryCostOrdinary($n: Int = 100) {\n    me { id }\n    trainingJobs(first: $n) { totalCount edges { node { id metrics(maxPoints: $n) { step } } } }\n  }\n"): (typeof documents)["\n  query QueryCostOrdinary($n: Int = 100) {\n    me { id }\n    trainingJobs(first: $n) { totalCount edges { node { id metrics(maxPoints: $n) { step } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StorageUrlsDownload($id: ID!) { createModelDownload(id: $id) { __typename ... on ModelDownloadPayload { files { name url sha256 } } } }\n"): (typeof documents)["\n  mutation StorageUrlsDownload($id: ID!) { createModelDownload(id: $id) { __typename ... on ModelDownloadPayload { files { name url sha256 } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingJobPage($first: Int, $after: String, $last: Int, $before: String) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query TrainingJobPage($first: Int, $after: String, $last: Int, $before: String) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MetricsPointFields on MetricPoint {\n    step epoch trainingLoss validationLoss learningRate gradNorm throughput tokensTrained gpuUtilization recordedAt\n  }\n"): (typeof documents)["\n  fragment MetricsPointFields on MetricPoint {\n    step epoch trainingLoss validationLoss learningRate gradNorm throughput tokensTrained gpuUtilization recordedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MetricsStream($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { lastStep points { ...MetricsPointFields } }\n  }\n"): (typeof documents)["\n  subscription MetricsStream($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { lastStep points { ...MetricsPointFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricsStored($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10000) { ...MetricsPointFields } } }\n"): (typeof documents)["\n  query MetricsStored($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10000) { ...MetricsPointFields } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricsSeries($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10) { step trainingLoss } } }\n"): (typeof documents)["\n  query MetricsSeries($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10) { step trainingLoss } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsCancel($id: ID!) { cancelTrainingJob(id: $id) { __typename } }"): (typeof documents)["mutation MetricsCancel($id: ID!) { cancelTrainingJob(id: $id) { __typename } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription MetricsJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }"): (typeof documents)["subscription MetricsJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;