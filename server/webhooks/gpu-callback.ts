// POST /webhooks/gpu/<provider>: callbacks from the GPU provider. Each carries
// a per-job token (JWT, in the X-Callback-Token header) and is applied once,
// in any order; callbacks for a finished job change nothing. RunPod's own
// completion webhook is unsigned, so it is only a hint to re-read /status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyCallbackToken } from '../auth/tokens.js';
import { AuthenticationError } from '../auth/errors.js';
import { db } from '../db/client.js';
import { InvalidCallbackError } from '../gpu/provider.js';
import { isRunpodWebhookUrl, parseRunpodWebhook } from '../gpu/runpod/client.js';
import { sendError, sendJson } from '../http/respond.js';
import type { Services } from '../services/services.js';
import { applyProviderReport } from '../training/apply-report.js';
import { contiguousStep } from '../metrics/metric-store.js';
import { cancelOrphan } from '../training/orphans.js';
import { isTerminal } from '../db/training-status.js';

const MAX_BODY_BYTES = 4 * 1024 * 1024;
export const CALLBACK_TOKEN_HEADER = 'x-callback-token';

/** A callback body over the limit: answered 413, the rest of the body read and dropped so the sender sees the answer. */
export class CallbackTooLargeError extends InvalidCallbackError {}

/** Answers 413 and closes the connection once the sender has stopped sending (no reset under its feet). */
export function sendTooLarge(req: IncomingMessage, res: ServerResponse, message: string): void {
  res.setHeader('Connection', 'close');
  sendError(res, 413, 'TOO_LARGE', message);
  req.resume();
}

/** Reads a callback's JSON body (at most 4 MiB); throws InvalidCallbackError. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new CallbackTooLargeError(`The callback body is over ${MAX_BODY_BYTES} bytes: send fewer points per callback`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new InvalidCallbackError('callback body is not JSON');
  }
}

/** The job a request's callback token speaks for; throws AuthenticationError (missing, forged, expired). */
export async function callbackJobId(services: Services, req: IncomingMessage): Promise<string> {
  const header = req.headers[CALLBACK_TOKEN_HEADER];
  if (typeof header !== 'string') throw new AuthenticationError('TOKEN_MISSING', `Send the job's callback token in ${CALLBACK_TOKEN_HEADER}`);
  return verifyCallbackToken(services.secret, header);
}

export async function handleGpuCallback(services: Services, req: IncomingMessage, res: ServerResponse, provider: string): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'POST only');
  if (provider !== services.gpu.name) return sendError(res, 404, 'NOT_FOUND', `No provider ${provider} here`);
  const receivedAt = Date.now();
  try {
    const body = await readJson(req);
    const url = new URL(req.url ?? '/', services.publicUrl);
    if (provider === 'runpod' && isRunpodWebhookUrl(url)) {
      const { externalId } = parseRunpodWebhook(body);
      const job = await db.trainingJob.findUnique({ where: { provider_externalJobId: { provider, externalJobId: externalId } } });
      if (!job) return sendError(res, 404, 'NOT_FOUND', 'Unknown job');
      if (!isTerminal(job.status)) await applyProviderReport(services, job.id, await services.gpu.status(externalId, await contiguousStep(job.id)));
      return sendJson(res, 200, { ok: true });
    }

    const jobId = await callbackJobId(services, req);
    const event = services.gpu.parseCallback(body);
    if (event.jobId !== jobId) return sendError(res, 403, 'WRONG_JOB', 'The token was issued for another job');
    const outcome = await applyProviderReport(services, jobId, event, { deliveryId: event.deliveryId, externalId: event.externalId, receivedAt });
    switch (outcome.kind) {
      case 'applied':
        return sendJson(res, 200, { ok: true });
      case 'duplicate':
        return sendJson(res, 200, { ok: true, duplicate: true });
      case 'not-found':
        return sendError(res, 404, 'NOT_FOUND', 'Unknown job');
      case 'wrong-job':
        // A second run of this job (see training/orphans.ts): refused, and stopped at the provider.
        await cancelOrphan(services, event.externalId, services.log);
        return sendError(res, 403, 'WRONG_JOB', 'The callback is for another provider job');
      case 'finished':
        return sendError(res, 409, 'JOB_FINISHED', `The job has ended (${outcome.status}); the callback was ignored`);
    }
  } catch (err) {
    if (err instanceof AuthenticationError) return sendError(res, 401, err.reason, err.message);
    if (err instanceof CallbackTooLargeError) return sendTooLarge(req, res, err.message);
    if (err instanceof InvalidCallbackError) return sendError(res, 400, 'INVALID_CALLBACK', err.message);
    throw err;
  }
}
