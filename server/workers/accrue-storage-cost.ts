// costs-accrue-storage: storage cost records (costs/storage-cost.ts), then every monthly budget, since storage
// counts toward them (training/spending-limits.ts).
import { accrueRecentStorageCost } from '../costs/storage-cost.js';
import { accrueStorageCostJob } from '../queue/definitions.js';
import { applyEveryBudget } from '../training/spending-limits.js';
import { implement } from './context.js';

export const accrueStorageCostWorker = implement(accrueStorageCostJob, async ({ day }, { services, log }) => {
  await accrueRecentStorageCost(services.config.costs.storagePriceUsdPerGbMonth, log, day);
  await applyEveryBudget(services);
});
