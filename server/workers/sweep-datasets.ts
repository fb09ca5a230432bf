// Every minute: expire unconfirmed uploads and remove the files of deleted datasets (datasets/lifecycle.ts).
import { z } from 'zod';
import { expireUploads, removeDeletedFiles } from '../datasets/lifecycle.js';
import { defineJob } from '../queue/define.js';

export const sweepDatasetsJob = defineJob({
  name: 'datasets-sweep',
  payload: z.object({}),
  queue: { policy: 'singleton', retryLimit: 2, retryDelay: 30, expireInSeconds: 10 * 60 },
  schedule: { cron: '* * * * *', data: {} },
  async handle(_data, { services, log }) {
    const expired = await expireUploads(services);
    const removed = await removeDeletedFiles(services);
    if (expired.length > 0 || removed > 0) log.info('datasets swept', { expiredUploads: expired.length, filesRemoved: removed });
  },
});
