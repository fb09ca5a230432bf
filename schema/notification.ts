// Notifications: the inbox (list, unread count), marking read, and the live
// notificationAdded subscription.
import { db } from '../server/db/client.js';
import { NotificationPriority, NotificationType } from '../server/db/generated/prisma/enums.js';
import { NotFoundError } from '../server/errors.js';
import { markAllNotificationsRead, markNotificationRead, unreadNotificationCount } from '../server/notifications/inbox.js';
import { builder, checkedCursor, encodeId, UUID, viewerId } from './builder.js';
import { DatasetRef } from './dataset.js';
import { ModelRef } from './model.js';
import { usd } from './scalars.js';
import { TrainingJobRef } from './training.js';

const NotificationTypeEnum = builder.enumType(NotificationType, { name: 'NotificationType' });
const NotificationPriorityEnum = builder.enumType(NotificationPriority, { name: 'NotificationPriority' });

// Rows store database ids (UUIDs), in metadata and in links; clients get the global ids the API takes, made here.
/** The metadata key for each kind of object a notification names: one key per concept. */
const ID_KEYS: Record<string, string> = { datasetId: DatasetRef.name, jobId: TrainingJobRef.name, modelId: ModelRef.name };
/** The web client's routes that take an id, and the id's type. */
const ID_ROUTES: Record<string, string> = { '/datasets/': DatasetRef.name, '/training/jobs/': TrainingJobRef.name, '/models/': ModelRef.name };

/** Metadata as clients get it: ids global, money (keys ending in Usd) in the Decimal format. */
function clientMetadata(metadata: unknown): unknown {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return metadata;
  return Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => {
      const type = ID_KEYS[key];
      if (typeof value !== 'string') return [key, value];
      if (type && UUID.test(value)) return [key, encodeId(type, value)];
      return [key, key.endsWith('Usd') ? usd(value) : value];
    }),
  );
}

/** A link as clients get it: /training/jobs/<uuid> → /training/jobs/<global id>, the form the web client's own links take. */
function clientLink(link: string | null): string | null {
  const [, route = '', id = ''] = /^(.*\/)([^/]+)$/.exec(link ?? '') ?? [];
  const type = ID_ROUTES[route];
  return type && UUID.test(id) ? route + encodeId(type, id) : link;
}

export const NotificationRef = builder.prismaNode('Notification', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, ownerId: viewerId(ctx) }),
  // node(id) of a missing or foreign object answers null, not an internal error.
  nullable: true,
  fields: (t) => ({
    type: t.expose('type', { type: NotificationTypeEnum }),
    title: t.exposeString('title'),
    message: t.exposeString('message'),
    priority: t.expose('priority', { type: NotificationPriorityEnum }),
    link: t.string({
      nullable: true,
      select: { link: true },
      resolve: (n) => clientLink(n.link),
      description: 'A path in the web client, e.g. /training/jobs/<id>, with the global id.',
    }),
    metadata: t.field({
      type: 'JSON',
      nullable: true,
      select: { metadata: true },
      resolve: (n) => clientMetadata(n.metadata),
      description: 'What the notification is about, by global id (datasetId, jobId, modelId), and a few figures; money as Decimal strings.',
    }),
    read: t.boolean({ select: { readAt: true }, resolve: (n) => n.readAt !== null }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('notifications', (t) =>
  t.prismaConnection({
    type: 'Notification',
    cursor: 'id',
    description: "The caller's notifications, newest first.",
    authScopes: { user: true },
    args: { unreadOnly: t.arg.boolean({ description: 'Only those not read yet.' }) },
    totalCount: (_parent, args, ctx) => db.notification.count({ where: notificationWhere(viewerId(ctx), args.unreadOnly) }),
    resolve: (query, _root, args, ctx) =>
      db.notification.findMany({ ...checkedCursor(query), where: notificationWhere(viewerId(ctx), args.unreadOnly), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);

function notificationWhere(ownerId: string, unreadOnly: boolean | null | undefined) {
  return { ownerId, ...(unreadOnly ? { readAt: null } : {}) };
}

builder.queryField('unreadNotificationCount', (t) =>
  t.int({
    description: "How many of the caller's notifications are unread.",
    authScopes: { user: true },
    resolve: (_root, _args, ctx) => unreadNotificationCount(viewerId(ctx)),
  }),
);

const MarkReadPayload = builder.simpleObject('MarkNotificationReadPayload', {
  fields: (t) => ({
    notification: t.field({ type: NotificationRef }),
    unreadCount: t.int({ description: 'Unread notifications left.' }),
  }),
});

builder.mutationField('markNotificationRead', (t) =>
  t.field({
    type: MarkReadPayload,
    description: 'Marks one notification read (again is harmless: the first readAt stays).',
    authScopes: { user: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: NotificationRef }) },
    resolve: async (_root, { id }, ctx) => {
      const notification = await markNotificationRead(viewerId(ctx), id.id);
      return { notification, unreadCount: await unreadNotificationCount(viewerId(ctx)) };
    },
  }),
);

const MarkAllReadPayload = builder.simpleObject('MarkAllNotificationsReadPayload', {
  fields: (t) => ({
    count: t.int({ description: 'How many notifications were unread and are now read.' }),
    readAt: t.field({ type: 'DateTime' }),
    unreadCount: t.int({ description: 'Always 0 unless one arrived meanwhile.' }),
  }),
});

builder.mutationField('markAllNotificationsRead', (t) =>
  t.field({
    type: MarkAllReadPayload,
    description: "Marks all the caller's unread notifications read.",
    authScopes: { user: true },
    resolve: async (_root, _args, ctx) => {
      const result = await markAllNotificationsRead(viewerId(ctx));
      return { ...result, unreadCount: await unreadNotificationCount(viewerId(ctx)) };
    },
  }),
);

builder.subscriptionField('notificationAdded', (t) =>
  t.prismaField({
    type: 'Notification',
    description: "Each new notification of the caller's, the moment it is created.",
    authScopes: { user: true },
    subscribe: (_root, _args, ctx) => ctx.services.pubsub.subscribe('notificationAdded', viewerId(ctx)),
    resolve: (query, payload: { id: string }, _args, ctx) => db.notification.findFirstOrThrow({ ...query, where: { id: payload.id, ownerId: viewerId(ctx) } }),
  }),
);
