// Maps the application Config onto the storage driver's settings.
import { deriveKey } from '../keys.js';
import type { Config } from '../config.js';
import { createStorage } from './index.js';

export function storageFromConfig(config: Config, secret: string, publicBaseUrl: string) {
  const { storage } = config;
  const { buckets, maxUploadBytes } = storage;
  return storage.driver === 'local'
    ? createStorage({ driver: 'local', root: storage.localRoot, signingSecret: deriveKey(secret, 'storage-urls'), buckets, maxUploadBytes }, { publicBaseUrl })
    : createStorage({ driver: 'gcs', ...storage.gcs, buckets, maxUploadBytes }, { publicBaseUrl });
}
