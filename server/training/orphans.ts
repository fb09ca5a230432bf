// A provider run that is not the one its job runs as: a submission that died before its answer was recorded, then
// submitted again. It is stopped, so a job never runs twice; trainers also stop themselves when their callback is refused.
import type { Logger } from '../log.js';
import type { Services } from '../services/services.js';

export async function cancelOrphan(services: Pick<Services, 'gpu'>, externalId: string, log: Pick<Logger, 'warn'>): Promise<void> {
  log.warn('cancelling a second run of a job at the provider', { externalId });
  await services.gpu.cancel(externalId).catch((err: Error) => log.warn('could not cancel a second run at the provider', { externalId, err: err.message }));
}
