// datasets-sweep: datasets/lifecycle.ts (sweepDatasets).
import { sweepDatasets } from '../datasets/lifecycle.js';
import { sweepDatasetsJob } from '../queue/definitions.js';
import { implement } from './context.js';

export const sweepDatasetsWorker = implement(sweepDatasetsJob, (_data, { services, log }) => sweepDatasets(services, log));
