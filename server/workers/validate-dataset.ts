// dataset-validate: datasets/validate-uploaded-dataset.ts.
import { validateUploadedDataset } from '../datasets/validate-uploaded-dataset.js';
import { validateDatasetJob } from '../queue/definitions.js';
import { implement } from './context.js';

export const validateDatasetWorker = implement(validateDatasetJob, ({ datasetId }, ctx) => validateUploadedDataset(ctx.services, datasetId, ctx));
