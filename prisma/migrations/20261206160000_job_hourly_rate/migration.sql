-- The rate per GPU-hour a job is billed at when its provider sets its own price (local training); null: the GPU catalog's.
ALTER TABLE "TrainingJob" ADD COLUMN "gpuHourlyRateUsd" DECIMAL(14,6);
