// Storing the model of a job that COMPLETED, as the artifact-create job runs it: retried with backoff while the
// provider or storage fails; after the last try, or at once when retrying cannot help, the artifact is FAILED
// with the reason and the owner told. Model copies that stopped moving end too (endStuckModelCopies).
import { db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { JobAttempt } from '../queue/define.js';
import { ARTIFACT_RETRY_LIMIT } from '../queue/definitions.js';
import type { Services } from '../services/services.js';
import { ArtifactIntegrityError, PermanentArtifactError } from './errors.js';
import { failModelArtifact, storeModelArtifact } from './store-model-artifact.js';

/** Longer than six copy attempts of an hour each with their backoff. */
export const ARTIFACT_GIVE_UP_SECONDS = 8 * 3600;
const BATCH = 100;

/** Throws to be retried (a failure retrying may cure, with retries left); anything else ends here. */
export async function createModelArtifact(services: Services, jobId: string, { retryCount, log }: JobAttempt): Promise<void> {
  try {
    await storeModelArtifact(services, jobId);
  } catch (err) {
    const permanent = err instanceof PermanentArtifactError;
    if (!permanent && retryCount < ARTIFACT_RETRY_LIMIT) throw err;
    const reason =
      permanent || err instanceof ArtifactIntegrityError ? (err as Error).message : `Copying the files failed ${retryCount + 1} times; the last error: ${(err as Error).message}`;
    log.error('model artifact failed', { jobId, reason });
    await failModelArtifact(services, jobId, reason);
  }
}

/** A COMPLETED job whose model was never stored or failed, after every copy attempt could have, gets a FAILED model. */
export async function endStuckModelCopies(services: Services, log: Logger, now = Date.now()): Promise<void> {
  const jobs = await db.trainingJob.findMany({
    where: {
      status: 'COMPLETED',
      completedAt: { lt: new Date(now - ARTIFACT_GIVE_UP_SECONDS * 1000) },
      OR: [{ artifact: null }, { artifact: { status: 'PENDING' } }],
    },
    select: { id: true },
    take: BATCH,
  });
  for (const { id } of jobs) {
    await failModelArtifact(services, id, `Storing the model did not finish within ${ARTIFACT_GIVE_UP_SECONDS / 3600} hours.`);
    log.warn('stuck model copy ended', { jobId: id });
  }
}
