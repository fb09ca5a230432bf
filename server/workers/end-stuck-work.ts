// Every ten minutes: work that stopped moving ends in a clear state with a notification, whatever lost it (a queue
// job whose retries were all spent on dying workers, a purged queue). A dataset still VALIDATING after every
// validation attempt could have expired ends INVALID; a COMPLETED job whose model was never stored or failed,
// after every copy attempt could have, gets a FAILED model. Training jobs have their own heartbeat timeout.
import { z } from 'zod';
import { failModelArtifact } from '../artifacts/store-model-artifact.js';
import { db } from '../db/client.js';
import { finishValidation } from '../datasets/finish-validation.js';
import { unfinishedReport } from '../datasets/validation/index.js';
import { defineJob } from '../queue/define.js';

/** Longer than four validation attempts (the first and three retries) of an hour each. */
export const VALIDATION_GIVE_UP_SECONDS = 5 * 3600;
/** Longer than six copy attempts of an hour each with their backoff. */
export const ARTIFACT_GIVE_UP_SECONDS = 8 * 3600;
const BATCH = 100;

export const endStuckWorkJob = defineJob({
  name: 'stuck-work-end',
  payload: z.object({}),
  queue: { policy: 'singleton', retryLimit: 1, expireInSeconds: 10 * 60 },
  schedule: { cron: '*/10 * * * *', data: {} },
  async handle(_data, { services, log }) {
    const now = Date.now();
    const datasets = await db.dataset.findMany({
      where: { status: 'VALIDATING', deletedAt: null, updatedAt: { lt: new Date(now - VALIDATION_GIVE_UP_SECONDS * 1000) } },
      select: { id: true, ownerId: true, name: true },
      take: BATCH,
    });
    for (const dataset of datasets) {
      const hours = VALIDATION_GIVE_UP_SECONDS / 3600;
      if (await finishValidation(services, dataset, unfinishedReport(`validation did not finish within ${hours} hours`))) {
        log.warn('stuck validation ended', { datasetId: dataset.id });
      }
    }
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
  },
});
