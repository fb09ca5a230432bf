// Counts a GPU provider's failed calls for /metrics, by operation and kind,
// whichever provider it is: app.ts wraps the provider once.
import { ProviderRejectedError, ProviderUnavailableError, type GpuProvider } from './provider.js';

export interface ErrorCounter {
  inc(labels: { provider: string; operation: string; kind: 'unavailable' | 'rejected' | 'error' }): void;
}

const OPERATIONS = ['submit', 'status', 'cancel', 'openArtifact'] as const;

export function countingErrors(provider: GpuProvider, errors: ErrorCounter): GpuProvider {
  const counted: GpuProvider = { ...provider };
  for (const operation of OPERATIONS) {
    const call = provider[operation] as (...args: unknown[]) => Promise<unknown>;
    (counted as unknown as Record<string, unknown>)[operation] = async (...args: unknown[]) => {
      try {
        return await call.apply(provider, args);
      } catch (err) {
        const kind = err instanceof ProviderUnavailableError ? 'unavailable' : err instanceof ProviderRejectedError ? 'rejected' : 'error';
        errors.inc({ provider: provider.name, operation, kind });
        throw err;
      }
    };
  }
  return counted;
}
