// The GpuProvider the main server uses to talk to the simulated provider service over HTTP.
import { z } from 'zod';
import { callProvider, readJson } from '../http.js';
import {
  parseProviderEvent,
  PROVIDER_JOB_STATES,
  providerStatusSchema,
  ProviderRejectedError,
  ProviderUnavailableError,
  type GpuProvider,
  type ProviderArtifact,
} from '../provider.js';

export interface SimulatedClientOptions {
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** For a whole artifact download; default 10 min. */
  downloadTimeoutMs?: number;
}

const LABEL = 'Simulated provider';
const submitResponseSchema = z.object({ id: z.string().min(1), state: z.enum(PROVIDER_JOB_STATES) });
const cancelResponseSchema = z.object({ state: z.enum(PROVIDER_JOB_STATES) });

export function createSimulatedProvider(baseUrl: string, options: SimulatedClientOptions = {}): GpuProvider {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 600_000;

  const request = (method: 'GET' | 'POST', url: string, body?: unknown, timeout = timeoutMs) => callProvider({ label: LABEL, method, url, body, timeoutMs: timeout });
  const json = <T>(schema: z.ZodType<T>, response: Response) => readJson(LABEL, schema, response);
  const jobUrl = (externalId: string) => `${base}/v1/jobs/${encodeURIComponent(externalId)}`;

  return {
    name: 'simulated',

    async submit(req) {
      const { id } = await json(submitResponseSchema, await request('POST', `${base}/v1/jobs`, req));
      return { externalId: id };
    },

    async status(externalId, afterStep) {
      const query = `?afterStep=${Math.max(0, Math.floor(afterStep))}`;
      return json(providerStatusSchema, await request('GET', `${jobUrl(externalId)}${query}`));
    },

    async cancel(externalId) {
      return json(cancelResponseSchema, await request('POST', `${jobUrl(externalId)}/cancel`));
    },

    parseCallback: parseProviderEvent,

    async openArtifact(artifact: ProviderArtifact) {
      // A callback body carries these URLs: fetch only from the provider itself.
      if (!artifact.url.startsWith(`${base}/v1/jobs/`)) {
        throw new ProviderRejectedError(`Artifact URL ${artifact.url} is not the simulated provider's`, 400);
      }
      const response = await request('GET', artifact.url, undefined, downloadTimeoutMs);
      if (!response.body) throw new ProviderUnavailableError(`Empty artifact ${artifact.name}`);
      return response.body;
    },
  };
}
