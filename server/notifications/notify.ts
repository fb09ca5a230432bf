// Creates a notification exactly once per event (its dedupe key), however
// often the event is processed, and pushes it to the owner's live inbox.
import { db, type Prisma } from '../db/client.js';
import type { NotificationPriority, NotificationType } from '../db/generated/prisma/enums.js';
import type { Services } from '../services/services.js';

export interface NotificationInput {
  ownerId: string;
  type: NotificationType;
  title: string;
  message: string;
  priority?: NotificationPriority;
  /** A path in the web client with the database id, e.g. /datasets/<id> (clients get the global id). */
  link?: string;
  /** One key per kind of object, with its database id: datasetId, jobId, modelId (clients get global ids). */
  metadata?: Record<string, unknown>;
  /** Names the event: the same key never makes a second notification. */
  dedupeKey: string;
}

type Tx = Pick<typeof db, 'notification'>;

/** Inserts the notification (inside tx when given); returns its id, or null when it existed already. */
export async function createNotification(input: NotificationInput, tx: Tx = db): Promise<string | null> {
  // ON CONFLICT DO NOTHING: a duplicate leaves a surrounding transaction usable.
  const rows = await tx.notification.createManyAndReturn({
    data: {
      ownerId: input.ownerId,
      type: input.type,
      title: input.title,
      message: input.message,
      priority: input.priority ?? 'NORMAL',
      link: input.link,
      metadata: input.metadata as Prisma.InputJsonValue | undefined,
      dedupeKey: input.dedupeKey,
    },
    skipDuplicates: true,
    select: { id: true },
  });
  return rows[0]?.id ?? null;
}

/** Publishes a created notification; call after the transaction that made it has committed. */
export function publishNotification(services: Pick<Services, 'pubsub'>, ownerId: string, id: string | null): void {
  if (id) services.pubsub.publish('notificationAdded', ownerId, { id });
}

export async function notify(services: Pick<Services, 'pubsub'>, input: NotificationInput): Promise<string | null> {
  const id = await createNotification(input);
  publishNotification(services, input.ownerId, id);
  return id;
}
