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
    "\n  mutation HelperCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload {\n        dataset {\n          id\n          status\n          fileSize\n        }\n        upload {\n          url\n          method\n          headers\n          expiresAt\n        }\n      }\n      ... on InvalidInputError {\n        message\n        problems {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.HelperCreateDatasetDocument,
    "\n  mutation HelperConfirmUpload($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      __typename\n      ... on DatasetPayload {\n        dataset {\n          id\n          status\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.HelperConfirmUploadDocument,
    "\n  subscription HelperDatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n      errorCount\n      warningCount\n      statistics {\n        examples\n        trainingPairs\n        totalTokens\n        tokensPerExample {\n          min\n          mean\n          p95\n          max\n        }\n        examplesOverContext\n        roleCounts {\n          system\n          user\n          assistant\n        }\n        duplicates\n      }\n      validation {\n        valid\n        errorCount\n        truncated\n        tokenCountsExact\n        countsByCode {\n          code\n          count\n        }\n        issues {\n          line\n          path\n          code\n          severity\n          message\n        }\n      }\n    }\n  }\n": typeof types.HelperDatasetUpdatedDocument,
    "\n  query FactoryMe {\n    me {\n      id\n    }\n  }\n": typeof types.FactoryMeDocument,
    "\n  query StoredModelArtifact($id: ID!) {\n    trainingJob(id: $id) {\n      artifact {\n        id\n        status\n        files {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.StoredModelArtifactDocument,
    "\n  subscription LiveListsFeed {\n    myListsChanged {\n      dataset {\n        id\n        name\n        status\n        deletedAt\n      }\n      trainingJob {\n        id\n        name\n        status\n      }\n      model {\n        id\n        name\n        status\n      }\n    }\n  }\n": typeof types.LiveListsFeedDocument,
    "\n  mutation LiveListsApiKey {\n    createApiKey(input: { name: \"tool\" }) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n      }\n    }\n  }\n": typeof types.LiveListsApiKeyDocument,
    "\n  query VocabularyNodeType($id: ID!) {\n    node(id: $id) {\n      __typename\n    }\n  }\n": typeof types.VocabularyNodeTypeDocument,
    "\n  fragment VocabularyError on Error {\n    __typename\n    message\n    ... on NotFoundError {\n      id\n      type\n    }\n  }\n": typeof types.VocabularyErrorFragmentDoc,
    "\n  mutation VocabularyConfirm($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      ...VocabularyError\n      ... on UploadMissingError {\n        datasetId\n      }\n    }\n  }\n": typeof types.VocabularyConfirmDocument,
    "\n  query VocabularyEstimate($input: EstimateTrainingCostInput!) {\n    estimateTrainingCost(input: $input) {\n      ...VocabularyError\n      ... on DatasetNotReadyError {\n        datasetId\n      }\n    }\n  }\n": typeof types.VocabularyEstimateDocument,
    "\n  mutation VocabularyDelete($id: ID!) {\n    deleteDataset(id: $id) {\n      ...VocabularyError\n      ... on DatasetInUseError {\n        activeJobIds\n      }\n    }\n  }\n": typeof types.VocabularyDeleteDocument,
    "\n  mutation VocabularyCancel($id: ID!) {\n    cancelTrainingJob(id: $id) {\n      ...VocabularyError\n      ... on JobAlreadyFinishedError {\n        jobId\n      }\n    }\n  }\n": typeof types.VocabularyCancelDocument,
    "\n  mutation VocabularyDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      ...VocabularyError\n      ... on ModelNotReadyError {\n        modelId\n      }\n    }\n  }\n": typeof types.VocabularyDownloadDocument,
    "\n  subscription VocabularyJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) {\n      id\n    }\n  }\n": typeof types.VocabularyJobUpdatedDocument,
    "\n  query VocabularyNotifications {\n    notifications(first: 100) {\n      edges {\n        node {\n          type\n          link\n          metadata\n        }\n      }\n    }\n  }\n": typeof types.VocabularyNotificationsDocument,
    "\n  query VocabularyAmounts($id: ID!, $from: DateTime!, $to: DateTime!) {\n    gpuTypes {\n      hourlyRateUsd\n    }\n    trainingJob(id: $id) {\n      estimatedCost\n      maxCost\n      currentCost\n      finalCost\n      estimate {\n        hourlyRateUsd\n        costUsd\n        breakdown {\n          costUsd\n        }\n        low {\n          costUsd\n        }\n        high {\n          costUsd\n        }\n      }\n    }\n    costSummary(from: $from, to: $to, groupBy: MONTH) {\n      __typename\n      ... on CostSummary {\n        total\n        byType {\n          total\n        }\n        monthComparison {\n          thisMonth\n          lastMonth\n          lastMonthToDate\n        }\n      }\n    }\n  }\n": typeof types.VocabularyAmountsDocument,
    "\n  query ModelOrderPage($first: Int, $after: String, $orderBy: ModelOrder) {\n    models(first: $first, after: $after, orderBy: $orderBy) {\n      edges {\n        node {\n          name\n          quality {\n            bestValidationLoss\n          }\n          job {\n            bestValidation {\n              step\n              validationLoss\n              tokensTrained\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ModelOrderPageDocument,
    "\n  query AuthMe {\n    me {\n      id\n      email\n    }\n  }\n": typeof types.AuthMeDocument,
    "\n  subscription AuthQuiet {\n    notificationAdded {\n      id\n    }\n  }\n": typeof types.AuthQuietDocument,
    "\n  mutation AuthCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n        apiKey {\n          id\n          name\n          prefix\n          revokedAt\n        }\n      }\n      ... on InvalidInputError {\n        problems {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.AuthCreateApiKeyDocument,
    "\n  mutation AuthRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeyPayload {\n        apiKey {\n          id\n          revokedAt\n        }\n      }\n      ... on NotFoundError {\n        message\n      }\n    }\n  }\n": typeof types.AuthRevokeApiKeyDocument,
    "\n  subscription IssuesDatasetStatus($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.IssuesDatasetStatusDocument,
    "\n  query Issues($id: ID!, $code: String, $offset: Int, $first: Int) {\n    dataset(id: $id) {\n      format\n      status\n      suggestedFormat\n      validation {\n        groups {\n          code\n          severity\n          meaning\n          count\n          stored\n        }\n        issues(code: $code, offset: $offset, first: $first) {\n          line\n          path\n          code\n          severity\n          message\n          excerpt\n        }\n      }\n    }\n  }\n": typeof types.IssuesDocument,
    "\n  query IssuesReport($id: ID!, $format: IssueReportFormat!) {\n    dataset(id: $id) {\n      validation {\n        report(format: $format)\n      }\n    }\n  }\n": typeof types.IssuesReportDocument,
    "\n  mutation IssuesRecheck($id: ID!, $format: DatasetFormat!) {\n    recheckDataset(id: $id, format: $format) {\n      __typename\n      ... on DatasetPayload {\n        dataset {\n          id\n          status\n          format\n          validation {\n            valid\n          }\n        }\n      }\n      ... on NotFoundError {\n        type\n      }\n      ... on InvalidInputError {\n        problems {\n          path\n          message\n        }\n      }\n      ... on DatasetInUseError {\n        activeJobIds\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.IssuesRecheckDocument,
    "\n  query NotificationsList($first: Int, $after: String, $unreadOnly: Boolean) {\n    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          title\n          message\n          priority\n          link\n          metadata\n          read\n          readAt\n          createdAt\n        }\n      }\n    }\n    unreadNotificationCount\n  }\n": typeof types.NotificationsListDocument,
    "\n  mutation NotificationsMark($id: ID!) {\n    markNotificationRead(id: $id) {\n      __typename\n      ... on MarkNotificationReadPayload {\n        unreadCount\n        notification {\n          id\n          read\n          readAt\n        }\n      }\n      ... on NotFoundError {\n        id\n        type\n      }\n    }\n  }\n": typeof types.NotificationsMarkDocument,
    "\n  mutation NotificationsMarkAll {\n    markAllNotificationsRead {\n      count\n      readAt\n      unreadCount\n    }\n  }\n": typeof types.NotificationsMarkAllDocument,
    "\n  subscription NotificationsAdded {\n    notificationAdded {\n      id\n      type\n      title\n      priority\n      link\n      metadata\n      readAt\n    }\n  }\n": typeof types.NotificationsAddedDocument,
    "\n  query NotificationsNode($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n": typeof types.NotificationsNodeDocument,
    "\n  query NotificationsUnreadCount {\n    unreadNotificationCount\n  }\n": typeof types.NotificationsUnreadCountDocument,
    "\n  subscription RestartMetrics($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) {\n      points {\n        step\n      }\n    }\n  }\n": typeof types.RestartMetricsDocument,
    "\n  query RestartMe {\n    me {\n      id\n    }\n  }\n": typeof types.RestartMeDocument,
    "\n  query TrainingJobPage($first: Int, $after: String, $last: Int, $before: String) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": typeof types.TrainingJobPageDocument,
};
const documents: Documents = {
    "\n  mutation HelperCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload {\n        dataset {\n          id\n          status\n          fileSize\n        }\n        upload {\n          url\n          method\n          headers\n          expiresAt\n        }\n      }\n      ... on InvalidInputError {\n        message\n        problems {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.HelperCreateDatasetDocument,
    "\n  mutation HelperConfirmUpload($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      __typename\n      ... on DatasetPayload {\n        dataset {\n          id\n          status\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.HelperConfirmUploadDocument,
    "\n  subscription HelperDatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n      errorCount\n      warningCount\n      statistics {\n        examples\n        trainingPairs\n        totalTokens\n        tokensPerExample {\n          min\n          mean\n          p95\n          max\n        }\n        examplesOverContext\n        roleCounts {\n          system\n          user\n          assistant\n        }\n        duplicates\n      }\n      validation {\n        valid\n        errorCount\n        truncated\n        tokenCountsExact\n        countsByCode {\n          code\n          count\n        }\n        issues {\n          line\n          path\n          code\n          severity\n          message\n        }\n      }\n    }\n  }\n": types.HelperDatasetUpdatedDocument,
    "\n  query FactoryMe {\n    me {\n      id\n    }\n  }\n": types.FactoryMeDocument,
    "\n  query StoredModelArtifact($id: ID!) {\n    trainingJob(id: $id) {\n      artifact {\n        id\n        status\n        files {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.StoredModelArtifactDocument,
    "\n  subscription LiveListsFeed {\n    myListsChanged {\n      dataset {\n        id\n        name\n        status\n        deletedAt\n      }\n      trainingJob {\n        id\n        name\n        status\n      }\n      model {\n        id\n        name\n        status\n      }\n    }\n  }\n": types.LiveListsFeedDocument,
    "\n  mutation LiveListsApiKey {\n    createApiKey(input: { name: \"tool\" }) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n      }\n    }\n  }\n": types.LiveListsApiKeyDocument,
    "\n  query VocabularyNodeType($id: ID!) {\n    node(id: $id) {\n      __typename\n    }\n  }\n": types.VocabularyNodeTypeDocument,
    "\n  fragment VocabularyError on Error {\n    __typename\n    message\n    ... on NotFoundError {\n      id\n      type\n    }\n  }\n": types.VocabularyErrorFragmentDoc,
    "\n  mutation VocabularyConfirm($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      ...VocabularyError\n      ... on UploadMissingError {\n        datasetId\n      }\n    }\n  }\n": types.VocabularyConfirmDocument,
    "\n  query VocabularyEstimate($input: EstimateTrainingCostInput!) {\n    estimateTrainingCost(input: $input) {\n      ...VocabularyError\n      ... on DatasetNotReadyError {\n        datasetId\n      }\n    }\n  }\n": types.VocabularyEstimateDocument,
    "\n  mutation VocabularyDelete($id: ID!) {\n    deleteDataset(id: $id) {\n      ...VocabularyError\n      ... on DatasetInUseError {\n        activeJobIds\n      }\n    }\n  }\n": types.VocabularyDeleteDocument,
    "\n  mutation VocabularyCancel($id: ID!) {\n    cancelTrainingJob(id: $id) {\n      ...VocabularyError\n      ... on JobAlreadyFinishedError {\n        jobId\n      }\n    }\n  }\n": types.VocabularyCancelDocument,
    "\n  mutation VocabularyDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      ...VocabularyError\n      ... on ModelNotReadyError {\n        modelId\n      }\n    }\n  }\n": types.VocabularyDownloadDocument,
    "\n  subscription VocabularyJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) {\n      id\n    }\n  }\n": types.VocabularyJobUpdatedDocument,
    "\n  query VocabularyNotifications {\n    notifications(first: 100) {\n      edges {\n        node {\n          type\n          link\n          metadata\n        }\n      }\n    }\n  }\n": types.VocabularyNotificationsDocument,
    "\n  query VocabularyAmounts($id: ID!, $from: DateTime!, $to: DateTime!) {\n    gpuTypes {\n      hourlyRateUsd\n    }\n    trainingJob(id: $id) {\n      estimatedCost\n      maxCost\n      currentCost\n      finalCost\n      estimate {\n        hourlyRateUsd\n        costUsd\n        breakdown {\n          costUsd\n        }\n        low {\n          costUsd\n        }\n        high {\n          costUsd\n        }\n      }\n    }\n    costSummary(from: $from, to: $to, groupBy: MONTH) {\n      __typename\n      ... on CostSummary {\n        total\n        byType {\n          total\n        }\n        monthComparison {\n          thisMonth\n          lastMonth\n          lastMonthToDate\n        }\n      }\n    }\n  }\n": types.VocabularyAmountsDocument,
    "\n  query ModelOrderPage($first: Int, $after: String, $orderBy: ModelOrder) {\n    models(first: $first, after: $after, orderBy: $orderBy) {\n      edges {\n        node {\n          name\n          quality {\n            bestValidationLoss\n          }\n          job {\n            bestValidation {\n              step\n              validationLoss\n              tokensTrained\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ModelOrderPageDocument,
    "\n  query AuthMe {\n    me {\n      id\n      email\n    }\n  }\n": types.AuthMeDocument,
    "\n  subscription AuthQuiet {\n    notificationAdded {\n      id\n    }\n  }\n": types.AuthQuietDocument,
    "\n  mutation AuthCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n        apiKey {\n          id\n          name\n          prefix\n          revokedAt\n        }\n      }\n      ... on InvalidInputError {\n        problems {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.AuthCreateApiKeyDocument,
    "\n  mutation AuthRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeyPayload {\n        apiKey {\n          id\n          revokedAt\n        }\n      }\n      ... on NotFoundError {\n        message\n      }\n    }\n  }\n": types.AuthRevokeApiKeyDocument,
    "\n  subscription IssuesDatasetStatus($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n    }\n  }\n": types.IssuesDatasetStatusDocument,
    "\n  query Issues($id: ID!, $code: String, $offset: Int, $first: Int) {\n    dataset(id: $id) {\n      format\n      status\n      suggestedFormat\n      validation {\n        groups {\n          code\n          severity\n          meaning\n          count\n          stored\n        }\n        issues(code: $code, offset: $offset, first: $first) {\n          line\n          path\n          code\n          severity\n          message\n          excerpt\n        }\n      }\n    }\n  }\n": types.IssuesDocument,
    "\n  query IssuesReport($id: ID!, $format: IssueReportFormat!) {\n    dataset(id: $id) {\n      validation {\n        report(format: $format)\n      }\n    }\n  }\n": types.IssuesReportDocument,
    "\n  mutation IssuesRecheck($id: ID!, $format: DatasetFormat!) {\n    recheckDataset(id: $id, format: $format) {\n      __typename\n      ... on DatasetPayload {\n        dataset {\n          id\n          status\n          format\n          validation {\n            valid\n          }\n        }\n      }\n      ... on NotFoundError {\n        type\n      }\n      ... on InvalidInputError {\n        problems {\n          path\n          message\n        }\n      }\n      ... on DatasetInUseError {\n        activeJobIds\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.IssuesRecheckDocument,
    "\n  query NotificationsList($first: Int, $after: String, $unreadOnly: Boolean) {\n    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          title\n          message\n          priority\n          link\n          metadata\n          read\n          readAt\n          createdAt\n        }\n      }\n    }\n    unreadNotificationCount\n  }\n": types.NotificationsListDocument,
    "\n  mutation NotificationsMark($id: ID!) {\n    markNotificationRead(id: $id) {\n      __typename\n      ... on MarkNotificationReadPayload {\n        unreadCount\n        notification {\n          id\n          read\n          readAt\n        }\n      }\n      ... on NotFoundError {\n        id\n        type\n      }\n    }\n  }\n": types.NotificationsMarkDocument,
    "\n  mutation NotificationsMarkAll {\n    markAllNotificationsRead {\n      count\n      readAt\n      unreadCount\n    }\n  }\n": types.NotificationsMarkAllDocument,
    "\n  subscription NotificationsAdded {\n    notificationAdded {\n      id\n      type\n      title\n      priority\n      link\n      metadata\n      readAt\n    }\n  }\n": types.NotificationsAddedDocument,
    "\n  query NotificationsNode($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n": types.NotificationsNodeDocument,
    "\n  query NotificationsUnreadCount {\n    unreadNotificationCount\n  }\n": types.NotificationsUnreadCountDocument,
    "\n  subscription RestartMetrics($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) {\n      points {\n        step\n      }\n    }\n  }\n": types.RestartMetricsDocument,
    "\n  query RestartMe {\n    me {\n      id\n    }\n  }\n": types.RestartMeDocument,
    "\n  query TrainingJobPage($first: Int, $after: String, $last: Int, $before: String) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": types.TrainingJobPageDocument,
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
export function graphql(source: "\n  mutation HelperCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload {\n        dataset {\n          id\n          status\n          fileSize\n        }\n        upload {\n          url\n          method\n          headers\n          expiresAt\n        }\n      }\n      ... on InvalidInputError {\n        message\n        problems {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation HelperCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      __typename\n      ... on CreateDatasetPayload {\n        dataset {\n          id\n          status\n          fileSize\n        }\n        upload {\n          url\n          method\n          headers\n          expiresAt\n        }\n      }\n      ... on InvalidInputError {\n        message\n        problems {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HelperConfirmUpload($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      __typename\n      ... on DatasetPayload {\n        dataset {\n          id\n          status\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation HelperConfirmUpload($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      __typename\n      ... on DatasetPayload {\n        dataset {\n          id\n          status\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription HelperDatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n      errorCount\n      warningCount\n      statistics {\n        examples\n        trainingPairs\n        totalTokens\n        tokensPerExample {\n          min\n          mean\n          p95\n          max\n        }\n        examplesOverContext\n        roleCounts {\n          system\n          user\n          assistant\n        }\n        duplicates\n      }\n      validation {\n        valid\n        errorCount\n        truncated\n        tokenCountsExact\n        countsByCode {\n          code\n          count\n        }\n        issues {\n          line\n          path\n          code\n          severity\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription HelperDatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n      errorCount\n      warningCount\n      statistics {\n        examples\n        trainingPairs\n        totalTokens\n        tokensPerExample {\n          min\n          mean\n          p95\n          max\n        }\n        examplesOverContext\n        roleCounts {\n          system\n          user\n          assistant\n        }\n        duplicates\n      }\n      validation {\n        valid\n        errorCount\n        truncated\n        tokenCountsExact\n        countsByCode {\n          code\n          count\n        }\n        issues {\n          line\n          path\n          code\n          severity\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FactoryMe {\n    me {\n      id\n    }\n  }\n"): (typeof documents)["\n  query FactoryMe {\n    me {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoredModelArtifact($id: ID!) {\n    trainingJob(id: $id) {\n      artifact {\n        id\n        status\n        files {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query StoredModelArtifact($id: ID!) {\n    trainingJob(id: $id) {\n      artifact {\n        id\n        status\n        files {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveListsFeed {\n    myListsChanged {\n      dataset {\n        id\n        name\n        status\n        deletedAt\n      }\n      trainingJob {\n        id\n        name\n        status\n      }\n      model {\n        id\n        name\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription LiveListsFeed {\n    myListsChanged {\n      dataset {\n        id\n        name\n        status\n        deletedAt\n      }\n      trainingJob {\n        id\n        name\n        status\n      }\n      model {\n        id\n        name\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LiveListsApiKey {\n    createApiKey(input: { name: \"tool\" }) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LiveListsApiKey {\n    createApiKey(input: { name: \"tool\" }) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VocabularyNodeType($id: ID!) {\n    node(id: $id) {\n      __typename\n    }\n  }\n"): (typeof documents)["\n  query VocabularyNodeType($id: ID!) {\n    node(id: $id) {\n      __typename\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment VocabularyError on Error {\n    __typename\n    message\n    ... on NotFoundError {\n      id\n      type\n    }\n  }\n"): (typeof documents)["\n  fragment VocabularyError on Error {\n    __typename\n    message\n    ... on NotFoundError {\n      id\n      type\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VocabularyConfirm($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      ...VocabularyError\n      ... on UploadMissingError {\n        datasetId\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation VocabularyConfirm($id: ID!) {\n    confirmDatasetUpload(id: $id) {\n      ...VocabularyError\n      ... on UploadMissingError {\n        datasetId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VocabularyEstimate($input: EstimateTrainingCostInput!) {\n    estimateTrainingCost(input: $input) {\n      ...VocabularyError\n      ... on DatasetNotReadyError {\n        datasetId\n      }\n    }\n  }\n"): (typeof documents)["\n  query VocabularyEstimate($input: EstimateTrainingCostInput!) {\n    estimateTrainingCost(input: $input) {\n      ...VocabularyError\n      ... on DatasetNotReadyError {\n        datasetId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VocabularyDelete($id: ID!) {\n    deleteDataset(id: $id) {\n      ...VocabularyError\n      ... on DatasetInUseError {\n        activeJobIds\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation VocabularyDelete($id: ID!) {\n    deleteDataset(id: $id) {\n      ...VocabularyError\n      ... on DatasetInUseError {\n        activeJobIds\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VocabularyCancel($id: ID!) {\n    cancelTrainingJob(id: $id) {\n      ...VocabularyError\n      ... on JobAlreadyFinishedError {\n        jobId\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation VocabularyCancel($id: ID!) {\n    cancelTrainingJob(id: $id) {\n      ...VocabularyError\n      ... on JobAlreadyFinishedError {\n        jobId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VocabularyDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      ...VocabularyError\n      ... on ModelNotReadyError {\n        modelId\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation VocabularyDownload($id: ID!) {\n    createModelDownload(id: $id) {\n      ...VocabularyError\n      ... on ModelNotReadyError {\n        modelId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription VocabularyJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  subscription VocabularyJobUpdated($id: ID!) {\n    trainingJobUpdated(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VocabularyNotifications {\n    notifications(first: 100) {\n      edges {\n        node {\n          type\n          link\n          metadata\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query VocabularyNotifications {\n    notifications(first: 100) {\n      edges {\n        node {\n          type\n          link\n          metadata\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VocabularyAmounts($id: ID!, $from: DateTime!, $to: DateTime!) {\n    gpuTypes {\n      hourlyRateUsd\n    }\n    trainingJob(id: $id) {\n      estimatedCost\n      maxCost\n      currentCost\n      finalCost\n      estimate {\n        hourlyRateUsd\n        costUsd\n        breakdown {\n          costUsd\n        }\n        low {\n          costUsd\n        }\n        high {\n          costUsd\n        }\n      }\n    }\n    costSummary(from: $from, to: $to, groupBy: MONTH) {\n      __typename\n      ... on CostSummary {\n        total\n        byType {\n          total\n        }\n        monthComparison {\n          thisMonth\n          lastMonth\n          lastMonthToDate\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query VocabularyAmounts($id: ID!, $from: DateTime!, $to: DateTime!) {\n    gpuTypes {\n      hourlyRateUsd\n    }\n    trainingJob(id: $id) {\n      estimatedCost\n      maxCost\n      currentCost\n      finalCost\n      estimate {\n        hourlyRateUsd\n        costUsd\n        breakdown {\n          costUsd\n        }\n        low {\n          costUsd\n        }\n        high {\n          costUsd\n        }\n      }\n    }\n    costSummary(from: $from, to: $to, groupBy: MONTH) {\n      __typename\n      ... on CostSummary {\n        total\n        byType {\n          total\n        }\n        monthComparison {\n          thisMonth\n          lastMonth\n          lastMonthToDate\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelOrderPage($first: Int, $after: String, $orderBy: ModelOrder) {\n    models(first: $first, after: $after, orderBy: $orderBy) {\n      edges {\n        node {\n          name\n          quality {\n            bestValidationLoss\n          }\n          job {\n            bestValidation {\n              step\n              validationLoss\n              tokensTrained\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelOrderPage($first: Int, $after: String, $orderBy: ModelOrder) {\n    models(first: $first, after: $after, orderBy: $orderBy) {\n      edges {\n        node {\n          name\n          quality {\n            bestValidationLoss\n          }\n          job {\n            bestValidation {\n              step\n              validationLoss\n              tokensTrained\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthMe {\n    me {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  query AuthMe {\n    me {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuthQuiet {\n    notificationAdded {\n      id\n    }\n  }\n"): (typeof documents)["\n  subscription AuthQuiet {\n    notificationAdded {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n        apiKey {\n          id\n          name\n          prefix\n          revokedAt\n        }\n      }\n      ... on InvalidInputError {\n        problems {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AuthCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n        apiKey {\n          id\n          name\n          prefix\n          revokedAt\n        }\n      }\n      ... on InvalidInputError {\n        problems {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeyPayload {\n        apiKey {\n          id\n          revokedAt\n        }\n      }\n      ... on NotFoundError {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AuthRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeyPayload {\n        apiKey {\n          id\n          revokedAt\n        }\n      }\n      ... on NotFoundError {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IssuesDatasetStatus($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  subscription IssuesDatasetStatus($id: ID!) {\n    datasetUpdated(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Issues($id: ID!, $code: String, $offset: Int, $first: Int) {\n    dataset(id: $id) {\n      format\n      status\n      suggestedFormat\n      validation {\n        groups {\n          code\n          severity\n          meaning\n          count\n          stored\n        }\n        issues(code: $code, offset: $offset, first: $first) {\n          line\n          path\n          code\n          severity\n          message\n          excerpt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Issues($id: ID!, $code: String, $offset: Int, $first: Int) {\n    dataset(id: $id) {\n      format\n      status\n      suggestedFormat\n      validation {\n        groups {\n          code\n          severity\n          meaning\n          count\n          stored\n        }\n        issues(code: $code, offset: $offset, first: $first) {\n          line\n          path\n          code\n          severity\n          message\n          excerpt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IssuesReport($id: ID!, $format: IssueReportFormat!) {\n    dataset(id: $id) {\n      validation {\n        report(format: $format)\n      }\n    }\n  }\n"): (typeof documents)["\n  query IssuesReport($id: ID!, $format: IssueReportFormat!) {\n    dataset(id: $id) {\n      validation {\n        report(format: $format)\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IssuesRecheck($id: ID!, $format: DatasetFormat!) {\n    recheckDataset(id: $id, format: $format) {\n      __typename\n      ... on DatasetPayload {\n        dataset {\n          id\n          status\n          format\n          validation {\n            valid\n          }\n        }\n      }\n      ... on NotFoundError {\n        type\n      }\n      ... on InvalidInputError {\n        problems {\n          path\n          message\n        }\n      }\n      ... on DatasetInUseError {\n        activeJobIds\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation IssuesRecheck($id: ID!, $format: DatasetFormat!) {\n    recheckDataset(id: $id, format: $format) {\n      __typename\n      ... on DatasetPayload {\n        dataset {\n          id\n          status\n          format\n          validation {\n            valid\n          }\n        }\n      }\n      ... on NotFoundError {\n        type\n      }\n      ... on InvalidInputError {\n        problems {\n          path\n          message\n        }\n      }\n      ... on DatasetInUseError {\n        activeJobIds\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationsList($first: Int, $after: String, $unreadOnly: Boolean) {\n    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          title\n          message\n          priority\n          link\n          metadata\n          read\n          readAt\n          createdAt\n        }\n      }\n    }\n    unreadNotificationCount\n  }\n"): (typeof documents)["\n  query NotificationsList($first: Int, $after: String, $unreadOnly: Boolean) {\n    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          title\n          message\n          priority\n          link\n          metadata\n          read\n          readAt\n          createdAt\n        }\n      }\n    }\n    unreadNotificationCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotificationsMark($id: ID!) {\n    markNotificationRead(id: $id) {\n      __typename\n      ... on MarkNotificationReadPayload {\n        unreadCount\n        notification {\n          id\n          read\n          readAt\n        }\n      }\n      ... on NotFoundError {\n        id\n        type\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation NotificationsMark($id: ID!) {\n    markNotificationRead(id: $id) {\n      __typename\n      ... on MarkNotificationReadPayload {\n        unreadCount\n        notification {\n          id\n          read\n          readAt\n        }\n      }\n      ... on NotFoundError {\n        id\n        type\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotificationsMarkAll {\n    markAllNotificationsRead {\n      count\n      readAt\n      unreadCount\n    }\n  }\n"): (typeof documents)["\n  mutation NotificationsMarkAll {\n    markAllNotificationsRead {\n      count\n      readAt\n      unreadCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NotificationsAdded {\n    notificationAdded {\n      id\n      type\n      title\n      priority\n      link\n      metadata\n      readAt\n    }\n  }\n"): (typeof documents)["\n  subscription NotificationsAdded {\n    notificationAdded {\n      id\n      type\n      title\n      priority\n      link\n      metadata\n      readAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationsNode($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  query NotificationsNode($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationsUnreadCount {\n    unreadNotificationCount\n  }\n"): (typeof documents)["\n  query NotificationsUnreadCount {\n    unreadNotificationCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RestartMetrics($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) {\n      points {\n        step\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription RestartMetrics($jobId: ID!, $afterStep: Int) {\n    trainingMetrics(jobId: $jobId, afterStep: $afterStep) {\n      points {\n        step\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RestartMe {\n    me {\n      id\n    }\n  }\n"): (typeof documents)["\n  query RestartMe {\n    me {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingJobPage($first: Int, $after: String, $last: Int, $before: String) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingJobPage($first: Int, $after: String, $last: Int, $before: String) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;