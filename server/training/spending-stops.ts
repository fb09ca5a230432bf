// The ways the server stops a job because of money, not because its owner asked: what the job records, and
// what its timeline and final state say (cancel-training-job.ts requests and ends such a cancel).

export const SPENDING_STOPS = {
  COST_CAP: {
    errorCode: 'COST_CAP_REACHED',
    errorMessage: 'The job reached its cost cap and was stopped.',
    requested: 'Cost cap reached: stopping the job',
    stopped: 'Stopped at the cost cap',
    overtaken: 'Training completed before the stop at the cost cap took effect',
  },
  BUDGET: {
    errorCode: 'BUDGET_REACHED',
    errorMessage: "The month's spending reached the monthly budget, whose hard stop is on, and the job was stopped.",
    requested: 'Monthly budget reached: stopping the job',
    stopped: 'Stopped at the monthly budget',
    overtaken: 'Training completed before the stop at the monthly budget took effect',
  },
} as const;

export type SpendingStop = keyof typeof SPENDING_STOPS;

/** What a cancelled job's final state says, by the error code its cancel request recorded. */
export function cancelledMessage(errorCode: string | null): string {
  return spendingStopOf(errorCode)?.stopped ?? 'Cancelled';
}

/** The spending limit a job's error code names, if any. */
export function spendingStopOf(errorCode: string | null): (typeof SPENDING_STOPS)[SpendingStop] | undefined {
  return Object.values(SPENDING_STOPS).find((stop) => stop.errorCode === errorCode);
}
