// The GpuProvider for RunPod serverless: /run with a webhook and an execution policy, /status and /cancel.
import { z } from 'zod';
import { callProvider, readJson } from '../http.js';
import {
  InvalidCallbackError,
  parseProviderEvent,
  ProviderRejectedError,
  ProviderUnavailableError,
  type GpuProvider,
  type ProviderEvent,
  type SubmitRequest,
  trainerInput,
} from '../provider.js';
import { runpodJobRefSchema, runpodJobSchema, toProviderState, toProviderStatus, type RunpodTrainingInput } from './contract.js';
import { executionPolicy } from './policy.js';

export { RunpodOutputError } from './contract.js';

export interface RunpodOptions {
  apiKey: string;
  endpointId: string;
  /** Default https://api.runpod.ai/v2. */
  baseUrl?: string;
  /** Per API request; default 10 s. */
  timeoutMs?: number;
  /** For a whole artifact download; default 10 min. */
  downloadTimeoutMs?: number;
}

/** Kept for callers that name it; every SubmitRequest may carry a datasetUrl now. */
export type RunpodSubmitRequest = SubmitRequest;

const LABEL = 'RunPod';
/** Marks RunPod's own completion webhook apart from the trainer's metric callbacks at the same URL. */
export const RUNPOD_WEBHOOK_PARAM = 'runpod';

export function createRunpodProvider(options: RunpodOptions): GpuProvider {
  const apiBase = (options.baseUrl ?? 'https://api.runpod.ai/v2').replace(/\/+$/, '');
  const base = `${apiBase}/${encodeURIComponent(options.endpointId)}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 600_000;
  // Tests run the fake RunPod and its "bucket" on this machine over plain HTTP.
  const allowLocalHttp = isLocalHost(new URL(base));

  // The API key goes in this header and nowhere else (RunPod's SDKs send it the same way).
  const api = async <T>(schema: z.ZodType<T>, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const headers = { Authorization: `Bearer ${options.apiKey}` };
    const response = await callProvider({ label: LABEL, method, url: `${base}${path}`, body, headers, timeoutMs });
    return readJson(LABEL, schema, response);
  };

  return {
    name: 'runpod',

    async submit(req: RunpodSubmitRequest) {
      const input: RunpodTrainingInput = trainerInput(req);
      const body = { input, webhook: webhookUrl(req.callbackUrl), policy: executionPolicy(req) };
      const { id } = await api(runpodJobRefSchema, 'POST', '/run', body);
      return { externalId: id };
    },

    async status(externalId, afterStep) {
      const job = await api(runpodJobSchema, 'GET', `/status/${encodeURIComponent(externalId)}`);
      return toProviderStatus(job, afterStep);
    },

    async cancel(externalId) {
      const { status } = await api(runpodJobRefSchema, 'POST', `/cancel/${encodeURIComponent(externalId)}`);
      return { state: toProviderState(status) };
    },

    parseCallback(body: unknown): ProviderEvent {
      if (runpodJobSchema.safeParse(body).success) {
        throw new InvalidCallbackError("This is RunPod's unsigned completion webhook: read its id with parseRunpodWebhook, then ask /status.");
      }
      return parseProviderEvent(body);
    },

    async openArtifact(artifact) {
      // The trainer reports these URLs (presigned, from our storage): never send them the API key.
      const url = parseUrl(artifact.url);
      if (!(url?.protocol === 'https:' || (url?.protocol === 'http:' && allowLocalHttp && isLocalHost(url)))) {
        throw new ProviderRejectedError(`Artifact ${artifact.name} is not at an https URL`, 400);
      }
      const response = await callProvider({
        label: 'Artifact storage',
        method: 'GET',
        url: url.href,
        timeoutMs: downloadTimeoutMs,
        redirect: 'error',
      });
      if (!response.body) throw new ProviderUnavailableError(`Empty artifact ${artifact.name}`);
      return response.body;
    },
  };
}

const webhookBodySchema = z.object({ id: z.string().min(1).max(200) });

/**
 * Reads the job id from RunPod's completion webhook, and nothing else: the webhook is unsigned and
 * anyone can post one, so the caller must read the job's state from /status.
 */
export function parseRunpodWebhook(body: unknown): { externalId: string } {
  const result = webhookBodySchema.safeParse(body);
  if (!result.success) throw new InvalidCallbackError(`Invalid RunPod webhook: ${z.prettifyError(result.error)}`);
  return { externalId: result.data.id };
}

/** True when a webhook request's URL is the one submit gave RunPod rather than the trainer's callback URL. */
export function isRunpodWebhookUrl(url: URL): boolean {
  return url.searchParams.get(RUNPOD_WEBHOOK_PARAM) === '1';
}

function webhookUrl(callbackUrl: string): string {
  const url = new URL(callbackUrl);
  url.searchParams.set(RUNPOD_WEBHOOK_PARAM, '1');
  return url.href;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function isLocalHost(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}
