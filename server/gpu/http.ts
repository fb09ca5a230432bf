// HTTP for the provider clients: a timeout on every call, and failures mapped to the provider errors.
import type { z } from 'zod';
import { ProviderRejectedError, ProviderUnavailableError } from './provider.js';

export interface ProviderCall {
  /** Names the provider in error messages: 'Simulated provider', 'RunPod'. */
  label: string;
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** 'error' refuses redirects, for URLs that came from a job's output. */
  redirect?: RequestRedirect;
}

/**
 * Answers a 2xx response. No answer, 5xx, 408 and 429 throw ProviderUnavailableError (worth retrying);
 * any other status throws ProviderRejectedError.
 */
export async function callProvider(call: ProviderCall): Promise<Response> {
  const { label, method, url, body } = call;
  const target = `${method} ${withoutQuery(url)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...call.headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: call.redirect,
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (error) {
    throw new ProviderUnavailableError(`${label} unreachable: ${target}`, { cause: error });
  }
  if (response.ok) return response;
  const detail = await response.text().catch(() => '');
  const message = `${label} answered ${response.status} to ${target}: ${detail.slice(0, 500)}`;
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    throw new ProviderUnavailableError(message);
  }
  throw new ProviderRejectedError(message, response.status);
}

/** Reads a JSON answer; one of the wrong shape means the provider misbehaves, so it counts as unavailable. */
export async function readJson<T>(label: string, schema: z.ZodType<T>, response: Response): Promise<T> {
  const result = schema.safeParse(await response.json().catch(() => undefined));
  if (!result.success) {
    throw new ProviderUnavailableError(`Unexpected answer from ${label} to ${withoutQuery(response.url)}: ${result.error.message}`);
  }
  return result.data;
}

/** Query strings can carry signatures (presigned URLs): keep them out of messages and logs. */
function withoutQuery(url: string): string {
  return url.split('?')[0] ?? url;
}
