// Picks the storage driver the configuration names; the rest of the server imports storage from here.
import { createLocalStorage } from './local.js';
import type { HttpHandler, ObjectStorage, StorageConfig } from './storage.js';

export * from './storage.js';

/**
 * publicBaseUrl is where clients reach this server; the local driver's signed URLs point there. The GCS driver is
 * imported only when configured: @google-cloud/storage costs a process about 23 MB it would never use on local disk.
 */
export async function createStorage(config: StorageConfig, options: { publicBaseUrl: string }): Promise<ObjectStorage & { handleHttp?: HttpHandler }> {
  return config.driver === 'local' ? createLocalStorage(config, options) : (await import('./gcs.js')).createGcsStorage(config);
}
