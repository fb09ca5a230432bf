// Every background job kind. app.ts creates their queues at start and, in
// processes that run workers, starts a worker for each.
import type { JobKind } from './define.js';
import { validateDatasetJob } from './validate-dataset.js';

export const jobKinds: JobKind<any>[] = [validateDatasetJob];
