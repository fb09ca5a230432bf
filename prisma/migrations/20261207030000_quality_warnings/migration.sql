-- The step of a model's best validation loss, and why its rating lost stars (overfitting, poor generalisation).
ALTER TABLE "ModelArtifact" ADD COLUMN "bestValidationStep" INTEGER;
ALTER TABLE "ModelArtifact" ADD COLUMN "qualityWarnings" JSONB NOT NULL DEFAULT '[]';
