// The heartbeat timeout: a job whose provider has shown no progress for HEARTBEAT_TIMEOUT_SECONDS, even when
// polled, FAILS (PROVIDER_UNRESPONSIVE) and is cancelled at the provider, so it neither hangs nor bills forever.
import type { TrainingJob } from '../db/generated/prisma/client.js';
import type { Services } from '../services/services.js';
import { transitionJob } from './transitions.js';

/** Fails the job if its provider has been silent past the timeout; returns whether it did. */
export async function failIfSilent(services: Services, job: Pick<TrainingJob, 'id' | 'lastHeartbeatAt' | 'externalJobId'>): Promise<boolean> {
  const seconds = services.config.gpu.heartbeatTimeoutSeconds;
  if (!job.lastHeartbeatAt || Date.now() - job.lastHeartbeatAt.getTime() <= seconds * 1000) return false;
  await transitionJob(services, job.id, 'FAILED', {
    message: `The GPU provider reported no progress for ${seconds} s`,
    data: { errorCode: 'PROVIDER_UNRESPONSIVE', errorMessage: `The GPU provider reported no progress for ${seconds} seconds, even when asked directly. The job was stopped.` },
  });
  if (job.externalJobId) await services.gpu.cancel(job.externalJobId).catch(() => {});
  return true;
}
