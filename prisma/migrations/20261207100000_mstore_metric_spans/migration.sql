-- Summaries of 16 consecutive metric blocks (1,024 steps), written once all 16 blocks are summarised: a chart over
-- millions of points aggregates these (and the blocks of the spans its buckets cut) instead of every block.
CREATE TABLE "MetricSpan" (
    "jobId" UUID NOT NULL,
    "span" INTEGER NOT NULL,
    "lowLoss" DOUBLE PRECISION NOT NULL,
    "lowStep" INTEGER NOT NULL,
    "highLoss" DOUBLE PRECISION NOT NULL,
    "highStep" INTEGER NOT NULL,
    "validationSteps" INTEGER[] NOT NULL,

    CONSTRAINT "MetricSpan_pkey" PRIMARY KEY ("jobId", "span")
);

ALTER TABLE "MetricSpan" ADD CONSTRAINT "MetricSpan_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TrainingJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;
