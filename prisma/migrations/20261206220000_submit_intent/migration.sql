-- A submission in flight: set before the provider is called, cleared when it answers. Still set after a crash,
-- it tells the next attempt that a run may exist at the provider without its id recorded.
ALTER TABLE "TrainingJob" ADD COLUMN "submitStartedAt" TIMESTAMPTZ(3);
