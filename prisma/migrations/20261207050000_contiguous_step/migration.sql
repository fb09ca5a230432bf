-- The highest step S with every step 1..S stored, kept on the job and moved forward from where it stood, so a
-- poll no longer counts every stored point. Existing jobs start at 0 and catch up at their next poll.
ALTER TABLE "TrainingJob" ADD COLUMN "contiguousStep" INTEGER NOT NULL DEFAULT 0;
