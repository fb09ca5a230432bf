// Datasets: types, the list and detail queries, the upload mutations and the
// datasetUpdated subscription.
import { createDataset } from '../server/datasets/create-dataset.js';
import { datasetQuotaUsage } from '../server/datasets/quotas.js';
import { confirmDatasetUpload } from '../server/datasets/confirm-upload.js';
import { deleteDataset } from '../server/datasets/delete-dataset.js';
import { issueReport } from '../server/datasets/issue-report.js';
import { recheckDataset, suggestedFormat } from '../server/datasets/recheck-dataset.js';
import { DatasetInUseError, QuotaExceededError, UploadMissingError, UploadSizeMismatchError, type QuotaUsage } from '../server/datasets/errors.js';
import { ISSUE_CODES, type DatasetStatistics, type IssueCode, type ValidationIssue, type ValidationReport } from '../server/datasets/validation/index.js';
import { EXCERPT_LENGTH } from '../server/datasets/validation/issue-log.js';
import { db } from '../server/db/client.js';
import { DatasetFormat, DatasetStatus } from '../server/db/generated/prisma/enums.js';
import { NotFoundError } from '../server/errors.js';
import type { SignedUpload } from '../server/storage/index.js';
import { builder, checkedCursor, viewerId } from './builder.js';
import { BaseModelRef, baseModelOf } from './catalog.js';
import { ErrorInterface, InvalidInputError } from './errors.js';
import { ownedUpdates } from './subscriptions.js';

const DatasetFormatEnum = builder.enumType(DatasetFormat, {
  name: 'DatasetFormat',
  description: 'CHAT_JSONL: {"messages":[{role, content}]} per line. BRIGHTRUN_LORA_V4: one BrightRun training pair per line.',
});
const DatasetStatusEnum = builder.enumType(DatasetStatus, { name: 'DatasetStatus' });
const SeverityEnum = builder.enumType('ValidationSeverity', { values: ['ERROR', 'WARNING'] as const });

const ValidationIssueRef = builder.objectRef<ValidationIssue>('ValidationIssue').implement({
  description: 'One problem in a dataset file.',
  fields: (t) => ({
    line: t.exposeInt('line', { description: '1-based line number; 0 for a problem with the whole file.' }),
    path: t.exposeString('path', { description: 'JSON path of the offending value, e.g. $.messages[2].role.' }),
    code: t.exposeString('code', { description: 'Stable, machine-readable, e.g. INVALID_ROLE.' }),
    severity: t.field({ type: SeverityEnum, resolve: (i) => i.severity }),
    message: t.exposeString('message'),
    excerpt: t.string({
      nullable: true,
      description: `The start of the offending line as text, at most ${EXCERPT_LENGTH} characters (… when cut); null for the whole file, a line skipped unread, or a dataset validated before excerpts were kept.`,
      resolve: (i) => i.excerpt ?? null,
    }),
  }),
});

const IssueReportFormatEnum = builder.enumType('IssueReportFormat', {
  values: { CSV: { description: 'Comma-separated, a header row, CRLF line ends.' }, JSONL: { description: 'One JSON object per line.' } } as const,
});

interface IssueGroup {
  code: string;
  count: number;
  stored: number;
}

const IssueGroupRef = builder.objectRef<IssueGroup>('ValidationIssueGroup').implement({
  description: 'The issues of one code: how many the file has, how many are stored (page them with issues(code:)).',
  fields: (t) => ({
    code: t.exposeString('code'),
    severity: t.field({ type: SeverityEnum, resolve: (g) => ISSUE_CODES[g.code as IssueCode]?.severity ?? 'ERROR' }),
    meaning: t.string({ description: 'What the code means, in a sentence.', resolve: (g) => ISSUE_CODES[g.code as IssueCode]?.meaning ?? '' }),
    count: t.exposeInt('count', { description: 'Every issue of this code in the file.' }),
    stored: t.exposeInt('stored', { description: 'Issues of this code kept in the list (fewer than count when truncated).' }),
  }),
});

const IssueCountRef = builder.objectRef<{ code: string; count: number }>('ValidationIssueCount').implement({
  fields: (t) => ({ code: t.exposeString('code'), count: t.exposeInt('count') }),
});

type StoredValidation = Omit<ValidationReport, 'statistics'>;

const ValidationRef = builder.objectRef<StoredValidation>('DatasetValidation').implement({
  description: 'Every problem found, with counts per code complete even when the stored list is capped.',
  fields: (t) => ({
    valid: t.exposeBoolean('valid'),
    errorCount: t.exposeInt('errorCount'),
    warningCount: t.exposeInt('warningCount'),
    truncated: t.exposeBoolean('truncated', { description: 'True when more issues were counted than stored.' }),
    tokenCountsExact: t.exposeBoolean('tokenCountsExact'),
    tokenizer: t.exposeString('tokenizer'),
    countsByCode: t.field({
      type: [IssueCountRef],
      resolve: (v) => Object.entries(v.countsByCode).map(([code, count]) => ({ code, count })),
    }),
    groups: t.field({
      type: [IssueGroupRef],
      description: 'One entry per code, errors first, then by count.',
      resolve: (v) =>
        Object.entries(v.countsByCode)
          .map(([code, count]) => ({ code, count, stored: v.issues.filter((i) => i.code === code).length }))
          .sort((a, b) => severityRank(a.code) - severityRank(b.code) || b.count - a.count || a.code.localeCompare(b.code)),
    }),
    issues: t.field({
      type: [ValidationIssueRef],
      description: 'The stored issues in line order, filtered, then paged with offset and first.',
      args: {
        severity: t.arg({ type: SeverityEnum }),
        code: t.arg.string({ description: 'Only issues of this code.' }),
        offset: t.arg.int({ description: 'Skip this many (default 0).' }),
        first: t.arg.int({ description: 'At most this many (default all stored).' }),
      },
      resolve: (v, args) => {
        const offset = Math.max(0, args.offset ?? 0);
        const matching = v.issues.filter((i) => (!args.severity || i.severity === args.severity) && (!args.code || i.code === args.code));
        return matching.slice(offset, args.first == null ? undefined : offset + Math.max(0, args.first));
      },
    }),
    report: t.string({
      description: 'Every stored issue as one file (line, severity, code, path, message, excerpt), to download.',
      args: { format: t.arg({ type: IssueReportFormatEnum, defaultValue: 'CSV', required: true }) },
      resolve: (v, args) => issueReport(v.issues, args.format),
    }),
  }),
});

function severityRank(code: string): number {
  return ISSUE_CODES[code as IssueCode]?.severity === 'WARNING' ? 1 : 0;
}

const TokenSpreadRef = builder.objectRef<DatasetStatistics['tokensPerExample']>('TokenSpread').implement({
  fields: (t) => ({ min: t.exposeInt('min'), mean: t.exposeFloat('mean'), p95: t.exposeInt('p95'), max: t.exposeInt('max') }),
});
const RoleCountsRef = builder.objectRef<DatasetStatistics['roleCounts']>('RoleCounts').implement({
  fields: (t) => ({ system: t.exposeInt('system'), user: t.exposeInt('user'), assistant: t.exposeInt('assistant') }),
});
const HistogramBucketRef = builder.objectRef<DatasetStatistics['histogram'][number]>('TokenHistogramBucket').implement({
  fields: (t) => ({ bucketStart: t.exposeInt('bucketStart'), count: t.exposeInt('count') }),
});

const StatisticsRef = builder.objectRef<DatasetStatistics>('DatasetStatistics').implement({
  fields: (t) => ({
    examples: t.exposeInt('examples'),
    trainingPairs: t.exposeInt('trainingPairs', { description: 'Assistant turns trained on.' }),
    totalTokens: t.exposeFloat('totalTokens'),
    tokensPerExample: t.field({ type: TokenSpreadRef, resolve: (s) => s.tokensPerExample }),
    examplesOverContext: t.exposeInt('examplesOverContext'),
    roleCounts: t.field({ type: RoleCountsRef, resolve: (s) => s.roleCounts }),
    duplicates: t.exposeInt('duplicates'),
    emptyLines: t.exposeInt('emptyLines'),
    histogram: t.field({ type: [HistogramBucketRef], resolve: (s) => s.histogram }),
  }),
});

export const DatasetRef = builder.prismaNode('Dataset', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, ownerId: viewerId(ctx), deletedAt: null }),
  // node(id) of a missing or foreign object answers null, not an internal error.
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    format: t.expose('format', { type: DatasetFormatEnum }),
    status: t.expose('status', { type: DatasetStatusEnum }),
    baseModel: t.field({ type: BaseModelRef, select: { baseModelId: true }, resolve: (d) => baseModelOf(d.baseModelId) }),
    fileName: t.exposeString('fileName'),
    fileSize: t.float({ select: { fileSize: true }, resolve: (d) => Number(d.fileSize) }),
    contentType: t.exposeString('contentType'),
    validation: t.field({ type: ValidationRef, nullable: true, select: { validation: true }, resolve: (d) => d.validation as StoredValidation | null }),
    statistics: t.field({ type: StatisticsRef, nullable: true, select: { statistics: true }, resolve: (d) => d.statistics as DatasetStatistics | null }),
    errorCount: t.exposeInt('errorCount'),
    warningCount: t.exposeInt('warningCount'),
    suggestedFormat: t.field({
      type: DatasetFormatEnum,
      nullable: true,
      description: 'The other format, when the file looks like it (more lines have its shape than are valid examples of the declared one): recheckDataset with it. Null otherwise.',
      select: { format: true, validation: true, statistics: true },
      resolve: (d) => suggestedFormat(d),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    validatedAt: t.expose('validatedAt', { type: 'DateTime', nullable: true }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true }),
  }),
});

// Errors of the upload flow.
builder.objectType(UploadMissingError, {
  name: 'UploadMissingError',
  interfaces: [ErrorInterface],
  description: 'confirmDatasetUpload was called before the file was uploaded.',
  fields: (t) => ({ datasetId: t.globalID({ resolve: (e) => ({ type: DatasetRef, id: e.datasetId }) }) }),
});
builder.objectType(UploadSizeMismatchError, {
  name: 'UploadSizeMismatchError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ declaredSize: t.exposeFloat('declaredSize'), uploadedSize: t.exposeFloat('uploadedSize') }),
});
builder.objectType(DatasetInUseError, {
  name: 'DatasetInUseError',
  interfaces: [ErrorInterface],
  // By name: schema/training.ts, which defines TrainingJob, imports this module.
  fields: (t) => ({ activeJobIds: t.globalIDList({ resolve: (e) => e.activeJobIds.map((id) => ({ type: 'TrainingJob', id })) }) }),
});

const DatasetQuotaEnum = builder.enumType('DatasetQuota', {
  values: {
    DATASETS: { description: 'Datasets kept (MAX_DATASETS_PER_USER).' },
    DATASET_BYTES: { description: 'Bytes of dataset files kept, uploads in progress included (MAX_DATASET_STORAGE_PER_USER).' },
    CONCURRENT_UPLOADS: { description: 'Datasets created and not yet confirmed (MAX_CONCURRENT_UPLOADS_PER_USER).' },
  } as const,
});
export const QuotaUsageRef = builder.objectRef<QuotaUsage>('QuotaUsage').implement({
  description: 'One per-user quota: its limit and what is held now. Deleted datasets do not count.',
  fields: (t) => ({
    quota: t.field({ type: DatasetQuotaEnum, resolve: (q) => q.quota }),
    limit: t.exposeFloat('limit'),
    used: t.exposeFloat('used'),
  }),
});
builder.prismaObjectField('User', 'datasetQuotas', (t) =>
  t.field({
    type: [QuotaUsageRef],
    description: 'Each dataset quota with its limit and what the user holds now, to check before creating a dataset.',
    resolve: (user, _args, ctx) => datasetQuotaUsage(db, user.id, ctx.services.config.datasets.quotas),
  }),
);
builder.objectType(QuotaExceededError, {
  name: 'QuotaExceededError',
  interfaces: [ErrorInterface],
  description: 'The new dataset would take a per-user quota past its limit; delete datasets, or confirm or delete unfinished uploads.',
  fields: (t) => ({ exceeded: t.field({ type: [QuotaUsageRef], description: 'Every quota it would exceed.', resolve: (e) => e.exceeded }) }),
});

const SignedUploadRef = builder.objectRef<SignedUpload>('SignedUpload').implement({
  description: 'Upload the file with exactly this request: method, URL and every header.',
  fields: (t) => ({
    url: t.exposeString('url'),
    method: t.exposeString('method'),
    headers: t.field({ type: 'JSON', resolve: (u) => u.headers }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

const DatasetFilter = builder.inputType('DatasetFilter', {
  fields: (t) => ({
    status: t.field({ type: [DatasetStatusEnum] }),
    search: t.string({ description: 'Part of the name, any case.' }),
  }),
});

builder.queryField('datasets', (t) =>
  t.prismaConnection({
    type: 'Dataset',
    cursor: 'id',
    description: "The caller's datasets, newest first.",
    authScopes: { user: true },
    totalCount: (_parent, args, ctx) => db.dataset.count({ where: datasetWhere(viewerId(ctx), args.filter) }),
    args: { filter: t.arg({ type: DatasetFilter }) },
    resolve: (query, _root, args, ctx) =>
      db.dataset.findMany({ ...checkedCursor(query), where: datasetWhere(viewerId(ctx), args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);

function datasetWhere(ownerId: string, filter: { status?: DatasetStatus[] | null; search?: string | null } | null | undefined) {
  return {
    ownerId,
    deletedAt: null,
    ...(filter?.status?.length ? { status: { in: filter.status } } : {}),
    ...(filter?.search?.trim() ? { name: { contains: filter.search.trim(), mode: 'insensitive' as const } } : {}),
  };
}

builder.queryField('dataset', (t) =>
  t.prismaField({
    type: 'Dataset',
    nullable: true,
    description: "One of the caller's datasets; null when it does not exist or is someone else's.",
    authScopes: { user: true },
    args: { id: t.arg.globalID({ required: true, for: DatasetRef }) },
    resolve: (query, _root, { id }, ctx) => db.dataset.findFirst({ ...query, where: { id: id.id, ownerId: viewerId(ctx), deletedAt: null } }),
  }),
);

const CreateDatasetInput = builder.inputType('CreateDatasetInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    format: t.field({ type: DatasetFormatEnum, description: 'Default CHAT_JSONL.' }),
    baseModelId: t.string({ description: "The model whose tokenizer and context validation uses; default the catalog's default." }),
    fileName: t.string({ required: true }),
    fileSize: t.float({ required: true, description: 'Exact size of the file in bytes.' }),
    contentType: t.string({ required: true, description: 'application/jsonl, application/json, application/octet-stream, …' }),
    idempotencyKey: t.string({ description: 'A retried request with the same key returns the dataset the first one made.' }),
  }),
});

const CreateDatasetPayload = builder.simpleObject('CreateDatasetPayload', {
  fields: (t) => ({
    dataset: t.field({ type: DatasetRef }),
    upload: t.field({ type: SignedUploadRef, nullable: true, description: 'null once the file has been uploaded.' }),
  }),
});

builder.mutationField('createDataset', (t) =>
  t.field({
    type: CreateDatasetPayload,
    description:
      'Registers a dataset and returns a signed URL to upload its file to (valid 1 hour). Then call confirmDatasetUpload; an upload not confirmed within DATASET_UPLOAD_EXPIRY_SECONDS (default a day) is deleted.',
    authScopes: { user: true },
    errors: { types: [InvalidInputError, QuotaExceededError] },
    args: { input: t.arg({ type: CreateDatasetInput, required: true }) },
    resolve: (_root, { input }, ctx) => createDataset(ctx.services, viewerId(ctx), input),
  }),
);

const DatasetPayload = builder.simpleObject('DatasetPayload', {
  fields: (t) => ({ dataset: t.field({ type: DatasetRef }) }),
});

builder.mutationField('confirmDatasetUpload', (t) =>
  t.field({
    type: DatasetPayload,
    description: 'Checks the uploaded file and starts validation (status VALIDATING); watch datasetUpdated for the result.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, UploadMissingError, UploadSizeMismatchError] },
    args: { id: t.arg.globalID({ required: true, for: DatasetRef }) },
    resolve: async (_root, { id }, ctx) => ({ dataset: await confirmDatasetUpload(ctx.services, viewerId(ctx), id.id) }),
  }),
);

builder.mutationField('deleteDataset', (t) =>
  t.field({
    type: DatasetPayload,
    description: 'Deletes a dataset: it is gone from the API at once, its file a grace period later (DATASET_DELETE_GRACE_SECONDS). Refused while an active training job uses it.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, DatasetInUseError] },
    args: { id: t.arg.globalID({ required: true, for: DatasetRef }) },
    resolve: async (_root, { id }, ctx) => ({ dataset: await deleteDataset(ctx.services, viewerId(ctx), id.id) }),
  }),
);

builder.mutationField('recheckDataset', (t) =>
  t.field({
    type: DatasetPayload,
    description:
      'Validates the uploaded file again as the given format (the dataset takes it): for a file declared in the wrong one (see suggestedFormat). Only READY or INVALID datasets no active job uses; watch datasetUpdated for the result.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, InvalidInputError, DatasetInUseError] },
    args: { id: t.arg.globalID({ required: true, for: DatasetRef }), format: t.arg({ type: DatasetFormatEnum, required: true }) },
    resolve: async (_root, { id, format }, ctx) => ({ dataset: await recheckDataset(ctx.services, viewerId(ctx), id.id, format) }),
  }),
);

builder.subscriptionField('datasetUpdated', (t) =>
  t.prismaField({
    type: 'Dataset',
    description: 'The dataset now, then again each time it changes (status, validation, deletion).',
    authScopes: { user: true },
    args: { id: t.arg.globalID({ required: true, for: DatasetRef }) },
    subscribe: (_root, { id }, ctx) => ownedUpdates(ctx, 'Dataset', 'datasetUpdated', id.id),
    resolve: (query, payload: { id: string }, _args, ctx) => db.dataset.findFirstOrThrow({ ...query, where: { id: payload.id, ownerId: viewerId(ctx) } }),
  }),
);
