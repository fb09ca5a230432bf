// Stores the model of a job that COMPLETED (queued by the COMPLETED transition,
// in its transaction). Retried with backoff while the provider or storage
// fails; after the last try, or at once when retrying cannot help, the
// artifact is FAILED with the reason and the owner told.
import { z } from 'zod';
import { ArtifactIntegrityError, PermanentArtifactError } from '../artifacts/errors.js';
import { failModelArtifact, storeModelArtifact } from '../artifacts/store-model-artifact.js';
import { defineJob } from '../queue/define.js';

export const ARTIFACT_RETRY_LIMIT = 5;

export const createArtifactJob = defineJob({
  name: 'artifact-create',
  payload: z.object({ jobId: z.uuid() }),
  // stately: one run at a time per training job (singletonKey = job id).
  queue: { policy: 'stately', retryLimit: ARTIFACT_RETRY_LIMIT, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 60 * 60, heartbeatSeconds: 10 },
  concurrency: 2,
  async handle({ jobId }, { services, retryCount, log }) {
    try {
      await storeModelArtifact(services, jobId);
    } catch (err) {
      const permanent = err instanceof PermanentArtifactError;
      if (!permanent && retryCount < ARTIFACT_RETRY_LIMIT) throw err;
      const reason = permanent || err instanceof ArtifactIntegrityError ? (err as Error).message : `Copying the files failed ${retryCount + 1} times; the last error: ${(err as Error).message}`;
      log.error('model artifact failed', { jobId, reason });
      await failModelArtifact(services, jobId, reason);
    }
  },
});
