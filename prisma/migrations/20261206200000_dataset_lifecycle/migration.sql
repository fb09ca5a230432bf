-- When a dataset's file left storage (deleted datasets after their grace period, expired uploads); null while stored.
ALTER TABLE "Dataset" ADD COLUMN "fileRemovedAt" TIMESTAMPTZ(3);

-- The sweep finds uploads to expire, and deleted datasets whose file is still stored.
CREATE INDEX "Dataset_status_createdAt_idx" ON "Dataset"("status", "createdAt");
CREATE INDEX "Dataset_deletedAt_idx" ON "Dataset"("deletedAt");
