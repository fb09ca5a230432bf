-- AlterTable
ALTER TABLE "TrainingJob" ADD COLUMN "measuredTokensPerSecond" DOUBLE PRECISION;
