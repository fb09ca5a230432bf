// Every minute: makes sure each active job that reached its provider has a
// poll queued, so a job whose poll chain broke (a crash, an exhausted retry)
// is still watched, re-polled and, if its provider stays silent, failed.
import { z } from 'zod';
import { db } from '../db/client.js';
import { defineJob } from '../queue/define.js';
import { schedulePoll } from './poll-training-job.js';

export const reconcileTrainingJobs = defineJob({
  name: 'training-reconcile',
  payload: z.object({}),
  queue: { retryLimit: 1, expireInSeconds: 300 },
  schedule: { cron: '* * * * *', data: {} },
  async handle(_data, { services, log }) {
    const active = await db.trainingJob.findMany({
      where: { status: { in: ['INITIALIZING', 'RUNNING'] }, externalJobId: { not: null } },
      select: { id: true },
    });
    // The poll queue is stately: a job that already has a poll waiting gets no second one.
    for (const { id } of active) await schedulePoll(services, id, 0);
    if (active.length) log.debug('reconciled active jobs', { count: active.length });
  },
});
