// POST /webhooks/gpu/<provider>/uploads: a trainer asks for signed upload URLs of its artifacts, with its
// job's callback token (trainer/CONTRACT.md, "Artifacts").
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTrainerUploads, parseUploadRequest } from '../training/trainer-uploads.js';
import { AuthenticationError } from '../auth/errors.js';
import { InvalidCallbackError } from '../gpu/provider.js';
import { sendError, sendJson } from '../http/respond.js';
import type { Services } from '../services/services.js';
import { CallbackTooLargeError, callbackJobId, readJson, sendTooLarge } from './gpu-callback.js';

export async function handleArtifactUploads(services: Services, req: IncomingMessage, res: ServerResponse, provider: string): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'POST only');
  if (provider !== services.gpu.name) return sendError(res, 404, 'NOT_FOUND', `No provider ${provider} here`);
  try {
    const jobId = await callbackJobId(services, req);
    const request = parseUploadRequest(await readJson(req));
    if (typeof request === 'string') return sendError(res, 400, 'INVALID_REQUEST', request);
    if (request.jobId !== jobId) return sendError(res, 403, 'WRONG_JOB', 'The token was issued for another job');
    const outcome = await createTrainerUploads(services, jobId, request);
    switch (outcome.kind) {
      case 'signed':
        return sendJson(res, 200, { files: outcome.files });
      case 'not-found':
        return sendError(res, 404, 'NOT_FOUND', 'Unknown job');
      case 'finished':
        return sendError(res, 409, 'JOB_FINISHED', `The job has ended (${outcome.status}); nothing more is stored for it`);
      case 'invalid':
        return sendError(res, 400, 'INVALID_REQUEST', outcome.message);
      case 'too-large':
        return sendError(res, 413, 'TOO_LARGE', outcome.message);
    }
  } catch (err) {
    if (err instanceof AuthenticationError) return sendError(res, 401, err.reason, err.message);
    if (err instanceof CallbackTooLargeError) return sendTooLarge(req, res, err.message);
    if (err instanceof InvalidCallbackError) return sendError(res, 400, 'INVALID_REQUEST', err.message);
    throw err;
  }
}
