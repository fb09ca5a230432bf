// The money limits that stop running jobs: a job's cost cap and, with its hard stop on, the owner's monthly budget.
// What things cost and what the budget allows are server/costs' rules; stopping a job is training's, so applying
// them is here. Polls, the terminal transition, the daily storage accrual and setting a budget all come here.
import { db } from '../db/client.js';
import type { Budget, TrainingJob } from '../db/generated/prisma/client.js';
import { BUDGET_THRESHOLDS, budgetStatus, saveBudget, sendBudgetAlert, thresholdMicros, type BudgetInput } from '../costs/budget.js';
import { accrueComputeCost, secondsUntilCost } from '../costs/compute-cost.js';
import { microsToUsd, usdToMicros } from '../costs/money.js';
import { formatUsd } from '../notifications/format.js';
import { trainingJobEventData } from '../outbound-webhooks/payloads.js';
import { recordEvent } from '../outbound-webhooks/record-event.js';
import type { Services } from '../services/services.js';
import { stopAtSpendingLimit } from './cancel-training-job.js';

/**
 * After a poll: accrues the job's compute cost, applies the owner's monthly budget, then the job's cost cap (at the
 * cap, the owner is told and the job stopped). Returns the seconds until the cap or the budget's next threshold,
 * whichever comes first (Infinity without either; the poll interval once the cap is reached).
 */
export async function applySpendingLimits(services: Services, job: TrainingJob, options: { budgeted?: boolean } = {}): Promise<number> {
  const cost = await accrueComputeCost(job, new Date());
  // `budgeted: false`: the caller read, with the job, that its owner has no budget (a budget set since applies itself).
  const secondsToBudget = options.budgeted === false ? Infinity : await applyBudget(services, job.ownerId);
  if (!job.maxCost || !job.startedAt) return secondsToBudget;
  const cap = usdToMicros(job.maxCost.toFixed(6));
  if (cost < cap) return Math.min(secondsToBudget, secondsUntilCost(job, cost, cap));
  // The mark and the outgoing event commit together: one event, whichever process gets here first.
  const reached = await db.$transaction(async (tx) => {
    const reachedAt = new Date();
    const { count } = await tx.trainingJob.updateMany({ where: { id: job.id, costCapReachedAt: null }, data: { costCapReachedAt: reachedAt } });
    if (count === 0) return false;
    await recordEvent(tx, services, job.ownerId, 'training_job.cost_cap_reached', {
      ...trainingJobEventData(job),
      currentCostUsd: microsToUsd(cost),
      costCapReachedAt: reachedAt.toISOString(),
    });
    return true;
  });
  if (reached) {
    await stopAtSpendingLimit(services, job, 'COST_CAP', {
      title: `Training "${job.name}" reached its cost cap`,
      message: `It has cost ${formatUsd(microsToUsd(cost))} of its ${formatUsd(microsToUsd(cap))} cap and is being stopped.`,
      metadata: { costUsd: microsToUsd(cost), maxCostUsd: job.maxCost.toFixed(6) },
    });
  }
  return services.config.gpu.pollIntervalSeconds;
}

/**
 * Applies the budget after the owner's spend moved (a poll accrued cost, a job ended, the budget changed): alerts for
 * each threshold crossed, and with the hard stop on, every active job stopped once the spend reaches the budget.
 * Returns the seconds until the running jobs reach the next threshold (Infinity when nothing more is due).
 */
export async function applyBudget(services: Services, ownerId: string, now = new Date()): Promise<number> {
  const status = await budgetStatus(ownerId, now);
  if (!status) return Infinity;
  for (const percent of BUDGET_THRESHOLDS) {
    if (status.spentMicros >= thresholdMicros(status, percent)) await sendBudgetAlert(services, status, percent);
  }
  if (status.budget.hardStop && status.spentMicros >= status.amountMicros) {
    for (const job of status.activeJobs.filter((j) => !j.cancelRequestedAt)) {
      await stopAtSpendingLimit(services, job, 'BUDGET', {
        title: `Training "${job.name}" stopped at the monthly budget`,
        message: `This month's spending reached ${formatUsd(microsToUsd(status.spentMicros))} of the ${formatUsd(microsToUsd(status.amountMicros))} budget, whose hard stop is on.`,
        metadata: { month: status.month, spentUsd: microsToUsd(status.spentMicros), budgetUsd: microsToUsd(status.amountMicros) },
      });
    }
    return Infinity;
  }
  const next = BUDGET_THRESHOLDS.map((p) => thresholdMicros(status, p)).find((at) => at > status.spentMicros);
  if (next === undefined || status.burnMicrosPerSecond === 0n) return Infinity;
  return Math.max(0.2, Number(next - status.spentMicros) / Number(status.burnMicrosPerSecond));
}

/** Every owner's budget, after storage cost was accrued (storage counts toward monthly budgets too). */
export async function applyEveryBudget(services: Services): Promise<void> {
  for (const { ownerId } of await db.budget.findMany({ select: { ownerId: true } })) await applyBudget(services, ownerId);
}

/** Creates or replaces the owner's budget, then applies it at once (a budget set below the month's spend alerts, or stops jobs). */
export async function setBudget(services: Services, ownerId: string, input: BudgetInput): Promise<Budget> {
  const budget = await saveBudget(ownerId, input);
  await applyBudget(services, ownerId);
  return budget;
}
