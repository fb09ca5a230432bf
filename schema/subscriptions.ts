// Subscriptions to one of the viewer's objects: the ownership check (another user's id fails NOT_FOUND, as a
// missing one does), and for the "updated" ones the object now, then again on each change.
import { db } from '../server/db/client.js';
import { viewerId, type Context } from './builder.js';
import { subscriptionNotFound } from './errors.js';

const owns = {
  Dataset: (id: string, ownerId: string) => db.dataset.count({ where: { id, ownerId } }),
  TrainingJob: (id: string, ownerId: string) => db.trainingJob.count({ where: { id, ownerId } }),
};

export type OwnedType = keyof typeof owns;

/** Throws NOT_FOUND unless the viewer owns the object. */
export async function assertViewerOwns(ctx: Context, type: OwnedType, id: string): Promise<void> {
  if (!(await owns[type](id, viewerId(ctx)))) throw subscriptionNotFound(type);
}

/** The owned object's id now, then each change published on its topic. */
export async function* ownedUpdates(ctx: Context, type: OwnedType, topic: 'datasetUpdated' | 'trainingJobUpdated', id: string): AsyncGenerator<{ id: string }> {
  await assertViewerOwns(ctx, type, id);
  const updates = ctx.services.pubsub.subscribe(topic, id);
  // Listen before sending the current state, so no change falls between the two.
  const pending = updates.next();
  try {
    yield { id };
    for (let next = await pending; !next.done; next = await updates.next()) yield next.value;
  } finally {
    await updates.return();
  }
}
