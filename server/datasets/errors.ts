// Expected failures of dataset operations, returned to callers as typed errors.

export class UploadMissingError extends Error {
  override name = 'UploadMissingError';
  constructor(readonly datasetId: string) {
    super('No file has been uploaded for this dataset yet. PUT the file to the signed upload URL, then confirm.');
  }
}

export class UploadSizeMismatchError extends Error {
  override name = 'UploadSizeMismatchError';
  constructor(
    readonly declaredSize: number,
    readonly uploadedSize: number,
  ) {
    super(`The uploaded file has ${uploadedSize} bytes but ${declaredSize} were declared. Upload the whole file again.`);
  }
}

export class DatasetInUseError extends Error {
  override name = 'DatasetInUseError';
  constructor(readonly activeJobIds: string[]) {
    super(`The dataset is used by ${activeJobIds.length} active training job(s). Cancel them or wait until they end.`);
  }
}

export type DatasetQuota = 'DATASETS' | 'DATASET_BYTES' | 'CONCURRENT_UPLOADS';

export interface QuotaUsage {
  quota: DatasetQuota;
  /** The setting: most datasets, bytes or uploads in progress. */
  limit: number;
  /** Held now (without the refused dataset). */
  used: number;
}

export class QuotaExceededError extends Error {
  override name = 'QuotaExceededError';
  constructor(readonly exceeded: QuotaUsage[]) {
    super(
      `This dataset would exceed your ${exceeded.map((q) => `${QUOTA_NAMES[q.quota]} quota (${q.used} of ${q.limit} used)`).join(' and your ')}. Delete datasets you no longer need.`,
    );
  }
}

const QUOTA_NAMES: Record<DatasetQuota, string> = {
  DATASETS: 'dataset count',
  DATASET_BYTES: 'dataset storage bytes',
  CONCURRENT_UPLOADS: 'uploads in progress',
};
