-- Final summaries of a job's 64-step metric blocks (lowest and highest training loss with their steps, the steps
-- with a validation loss), written once a chart has read a block that can no longer change. The first chart
-- request after a restart reads these instead of the whole series.
CREATE TABLE "MetricBlock" (
    "jobId" UUID NOT NULL,
    "block" INTEGER NOT NULL,
    "lowLoss" DOUBLE PRECISION NOT NULL,
    "lowStep" INTEGER NOT NULL,
    "highLoss" DOUBLE PRECISION NOT NULL,
    "highStep" INTEGER NOT NULL,
    "validationSteps" INTEGER[] NOT NULL,

    CONSTRAINT "MetricBlock_pkey" PRIMARY KEY ("jobId", "block")
);

ALTER TABLE "MetricBlock" ADD CONSTRAINT "MetricBlock_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TrainingJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;
