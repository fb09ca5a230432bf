// Expected failures around model artifacts.

/** createModelDownload on an artifact that is not STORED (still copying, or failed). */
export class ModelNotReadyError extends Error {
  override name = 'ModelNotReadyError';
  constructor(
    readonly modelId: string,
    readonly status: string,
  ) {
    super(status === 'FAILED' ? 'The model could not be stored, so it cannot be downloaded' : `The model is still being stored (${status}); try again shortly`);
  }
}

/** Copying cannot succeed however often it is retried: the artifact fails at once. */
export class PermanentArtifactError extends Error {
  override name = 'PermanentArtifactError';
}

/** A copied file's bytes differ from what the provider announced: retried, since a transfer can break. */
export class ArtifactIntegrityError extends Error {
  override name = 'ArtifactIntegrityError';
}
