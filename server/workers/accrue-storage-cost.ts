// Daily storage cost accrual, scheduled by pg-boss at 00:05 UTC. Accrues the
// last few complete days, not only yesterday, so a day missed while no worker
// ran is caught up; each owner-day lands once (its dedupe key). Then monthly
// budgets are applied, since storage counts toward them.
import { z } from 'zod';
import { applyBudget } from '../costs/budget.js';
import { accrueStorageCost, startOfUtcDay } from '../costs/storage-cost.js';
import { db } from '../db/client.js';
import { defineJob } from '../queue/define.js';

const DAY_MS = 24 * 3600 * 1000;
/** Complete days accrued per run, newest last. */
export const CATCH_UP_DAYS = 3;

export const accrueStorageCostJob = defineJob({
  name: 'costs-accrue-storage',
  payload: z.object({ day: z.iso.date().optional().describe('one UTC day (YYYY-MM-DD); default the last complete days') }),
  queue: { policy: 'singleton', retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 15 * 60 },
  schedule: { cron: '5 0 * * *', data: {} },
  async handle({ day }, { services, log }) {
    const today = startOfUtcDay(new Date());
    const days = day ? [new Date(`${day}T00:00:00Z`)] : Array.from({ length: CATCH_UP_DAYS }, (_, i) => new Date(today.getTime() - (CATCH_UP_DAYS - i) * DAY_MS));
    for (const d of days) {
      if (d >= today) continue; // only complete days
      const result = await accrueStorageCost(d, services.config.costs.storagePriceUsdPerGbMonth);
      log.info('storage cost accrued', { ...result });
    }
    // Storage records count toward monthly budgets too.
    for (const { ownerId } of await db.budget.findMany({ select: { ownerId: true } })) await applyBudget(services, ownerId);
  },
});
