// Tells subscribers a dataset changed; called after the change has committed. The one place a dataset's
// change is published: its own subscribers and its owner's list feed hear of it together.
import type { Services } from '../services/services.js';

export function publishDatasetUpdated(services: Pick<Services, 'pubsub'>, dataset: { id: string; ownerId: string }): void {
  services.pubsub.publish('datasetUpdated', dataset.id, { id: dataset.id });
  services.pubsub.publish('listChanged', dataset.ownerId, { type: 'Dataset', id: dataset.id });
}
