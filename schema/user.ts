// The caller, their API keys (me, createApiKey, revokeApiKey) and the live feed of their lists (myListsChanged).
import { createApiKey, revokeApiKey } from '../server/auth/api-keys.js';
import { db } from '../server/db/client.js';
import type { ListChange } from '../server/events/pubsub.js';
import { builder, viewerId } from './builder.js';
import { InvalidInputError, NotFoundError } from './errors.js';

export const ApiKeyRef = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, ownerId: viewerId(ctx) }),
  // node(id) of a missing or foreign object answers null, not an internal error.
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to tell keys apart.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.prismaNode('User', {
  id: { field: 'id' },
  findUnique: (id, ctx) => (id === viewerId(ctx) ? { id } : { id: '00000000-0000-0000-0000-000000000000' }),
  // node(id) of a missing or foreign object answers null, not an internal error.
  nullable: true,
  fields: (t) => ({
    email: t.exposeString('email', { nullable: true }),
    name: t.exposeString('name', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    apiKeys: t.relatedConnection('apiKeys', {
      cursor: 'id',
      totalCount: true,
      query: () => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

builder.queryField('me', (t) =>
  t.prismaField({
    type: 'User',
    description: 'The signed-in user.',
    authScopes: { user: true },
    resolve: (query, _root, _args, ctx) => db.user.findUniqueOrThrow({ ...query, where: { id: viewerId(ctx) } }),
  }),
);

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({ name: t.string({ required: true, description: 'What the key is for, e.g. "CI pipeline".' }) }),
});

const CreateApiKeyPayload = builder.simpleObject('CreateApiKeyPayload', {
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef }),
    secret: t.string({ description: 'The key itself. Shown once: only a hash is stored.' }),
  }),
});

builder.mutationField('createApiKey', (t) =>
  t.field({
    type: CreateApiKeyPayload,
    description: 'Creates an API key for third-party tools. Send it as "Authorization: Bearer <secret>". Needs a token: an API key cannot create keys.',
    authScopes: { session: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) => createApiKey(viewerId(ctx), input.name),
  }),
);

const RevokeApiKeyPayload = builder.simpleObject('RevokeApiKeyPayload', {
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef }) }),
});

builder.mutationField('revokeApiKey', (t) =>
  t.field({
    type: RevokeApiKeyPayload,
    description: 'Revokes an API key at once: requests with it are refused and WebSocket connections signed in with it close (4403). Needs a token.',
    authScopes: { session: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: ApiKeyRef }) },
    resolve: async (_root, { id }, ctx) => ({ apiKey: await revokeApiKey(ctx.services, viewerId(ctx), id.id) }),
  }),
);

const ListChangeRef = builder.objectRef<ListChange>('ListChange').implement({
  description: "A row of the caller's lists that was created or changed: exactly one of the fields is set.",
  fields: (t) => ({
    dataset: t.prismaField({
      type: 'Dataset',
      nullable: true,
      description: 'A dataset created, changed or deleted (deletedAt set).',
      resolve: (query, change, _args, ctx) => (change.type === 'Dataset' ? db.dataset.findFirst({ ...query, where: { id: change.id, ownerId: viewerId(ctx) } }) : null),
    }),
    trainingJob: t.prismaField({
      type: 'TrainingJob',
      nullable: true,
      description: 'A training job created, or changed status, or its cancel was asked for, or its model was stored.',
      resolve: (query, change, _args, ctx) => (change.type === 'TrainingJob' ? db.trainingJob.findFirst({ ...query, where: { id: change.id, ownerId: viewerId(ctx) } }) : null),
    }),
    model: t.prismaField({
      type: 'ModelArtifact',
      nullable: true,
      description: 'A model whose files were stored, or could not be.',
      resolve: (query, change, _args, ctx) => (change.type === 'Model' ? db.modelArtifact.findFirst({ ...query, where: { id: change.id, ownerId: viewerId(ctx) } }) : null),
    }),
  }),
});

builder.subscriptionField('myListsChanged', (t) =>
  t.field({
    type: ListChangeRef,
    description:
      "Each dataset, training job or model of the caller's as it is created or changes status, whatever created it (another tab, an API key, a worker). A running job's progress ticks are not sent here: subscribe to trainingJobUpdated for those.",
    authScopes: { user: true },
    subscribe: (_root, _args, ctx) => ctx.services.pubsub.subscribe('listChanged', viewerId(ctx)),
    resolve: (change) => change,
  }),
);
