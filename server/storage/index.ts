// Picks the storage driver the configuration names; the rest of the server imports storage from here.
import { createGcsStorage } from './gcs.js';
import { createLocalStorage } from './local.js';
import type { HttpHandler, ObjectStorage, StorageConfig } from './storage.js';

export * from './storage.js';

/** publicBaseUrl is where clients reach this server; the local driver's signed URLs point there. */
export function createStorage(
  config: StorageConfig,
  options: { publicBaseUrl: string },
): ObjectStorage & { handleHttp?: HttpHandler } {
  return config.driver === 'local' ? createLocalStorage(config, options) : createGcsStorage(config);
}
