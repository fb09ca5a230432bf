// artifact-create: artifacts/create-model-artifact.ts.
import { createModelArtifact } from '../artifacts/create-model-artifact.js';
import { createArtifactJob } from '../queue/definitions.js';
import { implement } from './context.js';

export const createArtifactWorker = implement(createArtifactJob, ({ jobId }, ctx) => createModelArtifact(ctx.services, jobId, ctx));
