-- CreateIndex
CREATE INDEX "TrainingJob_ownerId_status_gpuType_baseModelId_completedAt_idx" ON "TrainingJob"("ownerId", "status", "gpuType", "baseModelId", "completedAt" DESC);
