// The owner's notification inbox: unread count, mark one read, mark all read.
// A notification the caller does not own is not found.
import { db } from '../db/client.js';
import type { Notification } from '../db/generated/prisma/client.js';
import { NotFoundError } from '../errors.js';

export function unreadNotificationCount(ownerId: string): Promise<number> {
  return db.notification.count({ where: { ownerId, readAt: null } });
}

/** Marks one read; reading it again keeps the first readAt. */
export async function markNotificationRead(ownerId: string, id: string): Promise<Notification> {
  await db.notification.updateMany({ where: { id, ownerId, readAt: null }, data: { readAt: new Date() } });
  const notification = await db.notification.findFirst({ where: { id, ownerId } });
  if (!notification) throw new NotFoundError('Notification', id);
  return notification;
}

/** Marks every unread notification read; returns how many changed and when. */
export async function markAllNotificationsRead(ownerId: string): Promise<{ count: number; readAt: Date }> {
  const readAt = new Date();
  const { count } = await db.notification.updateMany({ where: { ownerId, readAt: null }, data: { readAt } });
  return { count, readAt };
}
