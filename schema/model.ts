// Models (stored adapters): types with lineage, files and quality, the list
// and detail queries, signed downloads, and TrainingJob.artifact.
import { createModelDownload, type ArchiveDownload, type FileDownload, type ModelDownload } from '../server/artifacts/create-model-download.js';
import { ModelNotReadyError } from '../server/artifacts/errors.js';
import { archiveFolderName } from '../server/artifacts/model-archive.js';
import { EDGE_SHARE, RATING_RULE, type QualityMetrics, type QualityWarning } from '../server/artifacts/quality.js';
import { db } from '../server/db/client.js';
import { ArtifactStatus } from '../server/db/generated/prisma/enums.js';
import type { Prisma } from '../server/db/generated/prisma/client.js';
import { NotFoundError } from '../server/errors.js';
import type { Hyperparameters } from '../server/gpu/provider.js';
import type { ObjectRef } from '@pothos/core';
import { builder, checkedCursor, viewerId, type BuilderTypes } from './builder.js';
import { BaseModelRef, baseModelOf } from './catalog.js';
import { ErrorInterface } from './errors.js';
import { readHyperparameters } from '../server/training/hyperparameters.js';

const ArtifactStatusEnum = builder.enumType(ArtifactStatus, {
  name: 'ModelStatus',
  description: 'PENDING while the files are copied from the GPU provider, then STORED, or FAILED with a reason.',
});

// The Hyperparameters type belongs to schema/training.ts; referenced by name so this module stays separate.
const HyperparametersType = 'Hyperparameters' as unknown as ObjectRef<BuilderTypes, Hyperparameters>;

export const ModelFileRef = builder.prismaNode('ArtifactFile', {
  name: 'ModelFile',
  description: 'One file of a model, as stored: check a download against size and sha256.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, artifact: { ownerId: viewerId(ctx) } }),
  // node(id) of a missing or foreign object answers null, not an internal error.
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'e.g. adapter_model.safetensors' }),
    size: t.float({ description: 'Bytes.', select: { size: true }, resolve: (f) => Number(f.size) }),
    sha256: t.exposeString('sha256', { description: 'Hex SHA-256 of the bytes.' }),
    contentType: t.exposeString('contentType'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** The quality columns of a stored model: server/artifacts/quality.ts's measures, the warnings as stored JSON. */
type Quality = Omit<QualityMetrics, 'warnings'> & { qualityWarnings: unknown };

const QualityWarningCode = builder.enumType('QualityWarningCode', {
  values: {
    OVERFITTING: { description: 'Validation loss rose well above its best for several evaluations at the end of the run.' },
    POOR_GENERALIZATION: { description: 'Final validation loss is more than 1.5 × the final training loss.' },
  } as const,
});

const QualityWarningRef = builder.objectRef<QualityWarning>('QualityWarning').implement({
  description: 'A reason the rating lost stars.',
  fields: (t) => ({ code: t.field({ type: QualityWarningCode, resolve: (w) => w.code }), message: t.exposeString('message') }),
});

const QualityRef = builder.objectRef<Quality>('ModelQuality').implement({
  description: "Measured from the training job's metric points when the model is stored; null where the run recorded no such point.",
  fields: (t) => ({
    finalValidationLoss: t.exposeFloat('finalValidationLoss', { nullable: true }),
    bestValidationLoss: t.exposeFloat('bestValidationLoss', { nullable: true }),
    bestValidationStep: t.exposeInt('bestValidationStep', { nullable: true, description: 'The step of the best validation loss: the checkpoint to prefer when the run overfit.' }),
    finalTrainingLoss: t.exposeFloat('finalTrainingLoss', { nullable: true }),
    perplexity: t.exposeFloat('perplexity', { nullable: true, description: 'exp(final validation loss).' }),
    lossReduction: t.exposeFloat('lossReduction', {
      nullable: true,
      description: `Fraction by which training loss fell: 1 − mean of the last ${EDGE_SHARE * 100}% of training-loss points ÷ mean of the first ${EDGE_SHARE * 100}%. 0.4 = 40% lower.`,
    }),
    rating: t.exposeInt('rating', { nullable: true, description: `1–5 stars. ${RATING_RULE}` }),
    warnings: t.field({
      type: [QualityWarningRef],
      description: 'Why the rating lost stars (empty when it lost none). Models stored before warnings existed have none.',
      resolve: (q) => (Array.isArray(q.qualityWarnings) ? (q.qualityWarnings as QualityWarning[]) : []),
    }),
  }),
});

export const ModelRef = builder.prismaNode('ModelArtifact', {
  name: 'Model',
  description: 'A trained LoRA adapter: its files in the models bucket, where it came from, and how well it trained.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, ownerId: viewerId(ctx) }),
  // node(id) of a missing or foreign object answers null, not an internal error.
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name'),
    status: t.expose('status', { type: ArtifactStatusEnum }),
    failureReason: t.exposeString('failureReason', { nullable: true, description: 'Why the files could not be stored (FAILED only).' }),
    job: t.relation('job', { description: 'The training job that made it.' }),
    dataset: t.relation('dataset', { description: 'The dataset it was trained on.' }),
    baseModel: t.field({ type: BaseModelRef, select: { baseModelId: true }, resolve: (m) => baseModelOf(m.baseModelId) }),
    hyperparameters: t.field({ type: HyperparametersType, select: { hyperparameters: true }, resolve: (m) => readHyperparameters(m.hyperparameters) }),
    files: t.relation('files', { description: 'Every file, by name. Empty until STORED.', query: { orderBy: { name: 'asc' } } }),
    archiveName: t.string({
      description: 'The folder the files sit in inside the download-all archive (createModelDownload.archive), which is named <archiveName>.tar.',
      select: { name: true },
      resolve: (m) => archiveFolderName(m),
    }),
    totalSize: t.float({
      description: 'Bytes of all files together.',
      select: { files: { select: { size: true } } },
      resolve: (m) => m.files.reduce((sum, f) => sum + Number(f.size), 0),
    }),
    quality: t.field({
      type: QualityRef,
      nullable: true,
      description: 'Null until STORED.',
      select: {
        status: true,
        finalValidationLoss: true,
        bestValidationLoss: true,
        bestValidationStep: true,
        finalTrainingLoss: true,
        perplexity: true,
        lossReduction: true,
        rating: true,
        qualityWarnings: true,
      },
      resolve: ({ status, ...quality }) => (status === 'STORED' ? quality : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    storedAt: t.expose('storedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.prismaObjectField('TrainingJob', 'artifact', (t) =>
  t.relation('artifact', { nullable: true, description: 'The model made from this job once it COMPLETED (PENDING while its files are copied).' }),
);

const MODEL_ORDERS = {
  NEWEST: [{ createdAt: 'desc' }, { id: 'desc' }],
  // Models without a validation loss (PENDING, FAILED, or never evaluated) come last, newest first.
  BEST_VALIDATION_LOSS: [{ bestValidationLoss: { sort: 'asc', nulls: 'last' } }, { createdAt: 'desc' }, { id: 'desc' }],
} satisfies Record<string, Prisma.ModelArtifactOrderByWithRelationInput[]>;

const ModelOrderEnum = builder.enumType('ModelOrder', {
  description: 'How the models list is sorted.',
  values: {
    NEWEST: { description: 'Newest first.' },
    BEST_VALIDATION_LOSS: { description: 'Lowest best validation loss first; models without one last.' },
  } as const,
});

builder.queryField('models', (t) =>
  t.prismaConnection({
    type: 'ModelArtifact',
    cursor: 'id',
    description: "The caller's models, newest first.",
    authScopes: { user: true },
    args: {
      status: t.arg({ type: [ArtifactStatusEnum], description: 'Only models in these statuses.' }),
      orderBy: t.arg({ type: ModelOrderEnum, defaultValue: 'NEWEST', description: 'NEWEST (default) or BEST_VALIDATION_LOSS.' }),
    },
    totalCount: (_parent, args, ctx) => db.modelArtifact.count({ where: modelWhere(viewerId(ctx), args.status) }),
    resolve: (query, _root, args, ctx) =>
      db.modelArtifact.findMany({ ...checkedCursor(query), where: modelWhere(viewerId(ctx), args.status), orderBy: MODEL_ORDERS[args.orderBy ?? 'NEWEST'] }),
  }),
);

function modelWhere(ownerId: string, status: ArtifactStatus[] | null | undefined) {
  return { ownerId, ...(status?.length ? { status: { in: status } } : {}) };
}

builder.queryField('model', (t) =>
  t.prismaField({
    type: 'ModelArtifact',
    nullable: true,
    description: "One of the caller's models; null when it does not exist or is someone else's.",
    authScopes: { user: true },
    args: { id: t.arg.globalID({ required: true, for: ModelRef }) },
    resolve: (query, _root, { id }, ctx) => db.modelArtifact.findFirst({ ...query, where: { id: id.id, ownerId: viewerId(ctx) } }),
  }),
);

builder.objectType(ModelNotReadyError, {
  name: 'ModelNotReadyError',
  interfaces: [ErrorInterface],
  description: 'The model is not STORED: its files are still being copied (PENDING) or could not be (FAILED).',
  fields: (t) => ({
    modelId: t.globalID({ resolve: (e) => ({ type: ModelRef, id: e.modelId }) }),
    status: t.field({ type: ArtifactStatusEnum, resolve: (e) => e.status as ArtifactStatus }),
  }),
});

const FileDownloadRef = builder.objectRef<FileDownload>('ModelFileDownload').implement({
  description: 'GET the URL (no headers needed) before expiresAt; the bytes have this size and sha256.',
  fields: (t) => ({
    name: t.exposeString('name'),
    url: t.exposeString('url'),
    size: t.exposeFloat('size', { description: 'Bytes.' }),
    sha256: t.exposeString('sha256'),
    contentType: t.exposeString('contentType'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

const ArchiveDownloadRef = builder.objectRef<ArchiveDownload>('ModelArchiveDownload').implement({
  description: 'GET the URL (no headers needed) before expiresAt: a tar archive whose files match the sizes and sha256 of Model.files.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'e.g. my-adapter.tar' }),
    url: t.exposeString('url'),
    size: t.exposeFloat('size', { description: 'Bytes.' }),
    contentType: t.exposeString('contentType'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

const ModelDownloadPayload = builder.objectRef<ModelDownload>('ModelDownloadPayload').implement({
  fields: (t) => ({
    model: t.field({ type: ModelRef, resolve: (p) => p.model }),
    files: t.field({ type: [FileDownloadRef], resolve: (p) => p.files }),
    archive: t.field({
      type: ArchiveDownloadRef,
      description:
        'Every file in one tar archive (a folder named after the model), for "download all". Made the first time it is asked for, which takes as long as copying the files once.',
      resolve: (p) => p.archive(),
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the URLs stop working (24 hours).' }),
  }),
});

builder.mutationField('createModelDownload', (t) =>
  t.field({
    type: ModelDownloadPayload,
    description: 'Signed download URLs, valid 24 hours, for every file of a STORED model.',
    authScopes: { user: true },
    errors: { types: [NotFoundError, ModelNotReadyError] },
    args: { id: t.arg.globalID({ required: true, for: ModelRef }) },
    resolve: (_root, { id }, ctx) => createModelDownload(ctx.services, viewerId(ctx), id.id),
  }),
);
