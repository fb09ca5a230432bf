// The training job state machine's vocabulary: which statuses are active and which are final.
import type { TrainingJobStatus } from './generated/prisma/enums.js';

export const ACTIVE_JOB_STATUSES = ['QUEUED', 'INITIALIZING', 'RUNNING'] as const satisfies readonly TrainingJobStatus[];
export const TERMINAL_JOB_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'] as const satisfies readonly TrainingJobStatus[];

export function isTerminal(status: TrainingJobStatus): boolean {
  return (TERMINAL_JOB_STATUSES as readonly TrainingJobStatus[]).includes(status);
}
