// Maps the application Config onto the storage driver's settings.
import { deriveKey } from '../keys.js';
import type { Config } from '../config.js';
import { createStorage } from './index.js';

export function storageFromConfig(config: Config, secret: string, publicBaseUrl: string) {
  const { driver, localRoot, buckets, maxUploadBytes, gcs } = config.storage;
  return driver === 'local'
    ? createStorage({ driver, root: localRoot, signingSecret: deriveKey(secret, 'storage-urls'), buckets, maxUploadBytes }, { publicBaseUrl })
    : createStorage({ driver, projectId: gcs.projectId, keyFilename: gcs.keyFilename, buckets, maxUploadBytes }, { publicBaseUrl });
}
