// Tells subscribers a dataset changed; called after the change has committed.
import type { Services } from '../services.js';

export function publishDatasetUpdated(services: Pick<Services, 'pubsub'>, datasetId: string): void {
  services.pubsub.publish('datasetUpdated', datasetId, { id: datasetId });
}
