-- CreateEnum
CREATE TYPE "DatasetFormat" AS ENUM ('CHAT_JSONL', 'BRIGHTRUN_LORA_V4');

-- CreateEnum
CREATE TYPE "DatasetStatus" AS ENUM ('UPLOADING', 'VALIDATING', 'READY', 'INVALID');

-- CreateEnum
CREATE TYPE "TrainingJobStatus" AS ENUM ('QUEUED', 'INITIALIZING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "TrainingStage" AS ENUM ('PROVISIONING', 'LOADING_MODEL', 'TRAINING', 'EVALUATING', 'SAVING', 'UPLOADING_ARTIFACTS');

-- CreateEnum
CREATE TYPE "ArtifactStatus" AS ENUM ('PENDING', 'STORED', 'FAILED');

-- CreateEnum
CREATE TYPE "CostType" AS ENUM ('TRAINING_COMPUTE', 'STORAGE');

-- CreateEnum
CREATE TYPE "NotificationType" AS ENUM ('DATASET_VALIDATED', 'DATASET_INVALID', 'JOB_QUEUED', 'JOB_STARTED', 'JOB_COMPLETED', 'JOB_FAILED', 'JOB_CANCELLED', 'COST_CAP_REACHED', 'ARTIFACT_READY');

-- CreateEnum
CREATE TYPE "NotificationPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "subject" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ownerId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dataset" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ownerId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "format" "DatasetFormat" NOT NULL DEFAULT 'CHAT_JSONL',
    "baseModelId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSize" BIGINT NOT NULL,
    "contentType" TEXT NOT NULL,
    "storagePath" TEXT NOT NULL,
    "status" "DatasetStatus" NOT NULL DEFAULT 'UPLOADING',
    "validation" JSONB,
    "statistics" JSONB,
    "errorCount" INTEGER NOT NULL DEFAULT 0,
    "warningCount" INTEGER NOT NULL DEFAULT 0,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "validatedAt" TIMESTAMPTZ(3),
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrainingJob" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ownerId" UUID NOT NULL,
    "datasetId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "presetId" TEXT NOT NULL,
    "baseModelId" TEXT NOT NULL,
    "hyperparameters" JSONB NOT NULL,
    "gpuType" TEXT NOT NULL,
    "gpuCount" INTEGER NOT NULL,
    "status" "TrainingJobStatus" NOT NULL DEFAULT 'QUEUED',
    "stage" "TrainingStage",
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "currentEpoch" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "totalEpochs" INTEGER NOT NULL,
    "currentStep" INTEGER NOT NULL DEFAULT 0,
    "totalSteps" INTEGER NOT NULL DEFAULT 0,
    "latestMetrics" JSONB,
    "estimate" JSONB NOT NULL,
    "estimatedCost" DECIMAL(14,6) NOT NULL,
    "maxCost" DECIMAL(14,6),
    "currentCost" DECIMAL(14,6) NOT NULL DEFAULT 0,
    "finalCost" DECIMAL(14,6),
    "billedUntil" TIMESTAMPTZ(3),
    "etaSeconds" INTEGER,
    "provider" TEXT NOT NULL,
    "externalJobId" TEXT,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "cancelRequestedAt" TIMESTAMPTZ(3),
    "costCapReachedAt" TIMESTAMPTZ(3),
    "lastHeartbeatAt" TIMESTAMPTZ(3),
    "idempotencyKey" TEXT,
    "queuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrainingJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricPoint" (
    "jobId" UUID NOT NULL,
    "step" INTEGER NOT NULL,
    "epoch" DOUBLE PRECISION NOT NULL,
    "trainingLoss" DOUBLE PRECISION,
    "validationLoss" DOUBLE PRECISION,
    "learningRate" DOUBLE PRECISION,
    "gradNorm" DOUBLE PRECISION,
    "throughput" DOUBLE PRECISION,
    "tokensTrained" BIGINT,
    "gpuUtilization" DOUBLE PRECISION,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MetricPoint_pkey" PRIMARY KEY ("jobId","step")
);

-- CreateTable
CREATE TABLE "TrainingJobEvent" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "jobId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "fromStatus" "TrainingJobStatus",
    "toStatus" "TrainingJobStatus",
    "stage" "TrainingStage",
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrainingJobEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "jobId" UUID NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookReceipt_pkey" PRIMARY KEY ("jobId","deliveryId")
);

-- CreateTable
CREATE TABLE "ModelArtifact" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ownerId" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "datasetId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "baseModelId" TEXT NOT NULL,
    "hyperparameters" JSONB NOT NULL,
    "status" "ArtifactStatus" NOT NULL DEFAULT 'PENDING',
    "storagePrefix" TEXT NOT NULL,
    "finalValidationLoss" DOUBLE PRECISION,
    "bestValidationLoss" DOUBLE PRECISION,
    "finalTrainingLoss" DOUBLE PRECISION,
    "perplexity" DOUBLE PRECISION,
    "lossReduction" DOUBLE PRECISION,
    "rating" INTEGER,
    "failureReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "storedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ModelArtifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ArtifactFile" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "artifactId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "storagePath" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArtifactFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CostRecord" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ownerId" UUID NOT NULL,
    "jobId" UUID,
    "type" "CostType" NOT NULL,
    "amount" DECIMAL(14,6) NOT NULL,
    "details" JSONB,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "periodEnd" TIMESTAMPTZ(3) NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CostRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ownerId" UUID NOT NULL,
    "type" "NotificationType" NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "priority" "NotificationPriority" NOT NULL DEFAULT 'NORMAL',
    "link" TEXT,
    "metadata" JSONB,
    "dedupeKey" TEXT NOT NULL,
    "readAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_subject_key" ON "User"("subject");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_secretHash_key" ON "ApiKey"("secretHash");

-- CreateIndex
CREATE INDEX "ApiKey_ownerId_createdAt_idx" ON "ApiKey"("ownerId", "createdAt");

-- CreateIndex
CREATE INDEX "Dataset_ownerId_createdAt_id_idx" ON "Dataset"("ownerId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Dataset_ownerId_status_idx" ON "Dataset"("ownerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_ownerId_idempotencyKey_key" ON "Dataset"("ownerId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "TrainingJob_ownerId_createdAt_id_idx" ON "TrainingJob"("ownerId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "TrainingJob_ownerId_status_idx" ON "TrainingJob"("ownerId", "status");

-- CreateIndex
CREATE INDEX "TrainingJob_datasetId_status_idx" ON "TrainingJob"("datasetId", "status");

-- CreateIndex
CREATE INDEX "TrainingJob_status_lastHeartbeatAt_idx" ON "TrainingJob"("status", "lastHeartbeatAt");

-- CreateIndex
CREATE UNIQUE INDEX "TrainingJob_ownerId_idempotencyKey_key" ON "TrainingJob"("ownerId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "TrainingJob_provider_externalJobId_key" ON "TrainingJob"("provider", "externalJobId");

-- CreateIndex
CREATE INDEX "TrainingJobEvent_jobId_createdAt_idx" ON "TrainingJobEvent"("jobId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ModelArtifact_jobId_key" ON "ModelArtifact"("jobId");

-- CreateIndex
CREATE INDEX "ModelArtifact_ownerId_createdAt_id_idx" ON "ModelArtifact"("ownerId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "ArtifactFile_artifactId_name_key" ON "ArtifactFile"("artifactId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "CostRecord_dedupeKey_key" ON "CostRecord"("dedupeKey");

-- CreateIndex
CREATE INDEX "CostRecord_ownerId_recordedAt_idx" ON "CostRecord"("ownerId", "recordedAt");

-- CreateIndex
CREATE INDEX "CostRecord_jobId_idx" ON "CostRecord"("jobId");

-- CreateIndex
CREATE INDEX "Notification_ownerId_createdAt_id_idx" ON "Notification"("ownerId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Notification_ownerId_readAt_idx" ON "Notification"("ownerId", "readAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_ownerId_dedupeKey_key" ON "Notification"("ownerId", "dedupeKey");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingJob" ADD CONSTRAINT "TrainingJob_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingJob" ADD CONSTRAINT "TrainingJob_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricPoint" ADD CONSTRAINT "MetricPoint_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TrainingJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingJobEvent" ADD CONSTRAINT "TrainingJobEvent_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TrainingJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookReceipt" ADD CONSTRAINT "WebhookReceipt_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TrainingJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelArtifact" ADD CONSTRAINT "ModelArtifact_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelArtifact" ADD CONSTRAINT "ModelArtifact_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TrainingJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelArtifact" ADD CONSTRAINT "ModelArtifact_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactFile" ADD CONSTRAINT "ArtifactFile_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "ModelArtifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CostRecord" ADD CONSTRAINT "CostRecord_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CostRecord" ADD CONSTRAINT "CostRecord_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TrainingJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
