-- A poll's compute cost accrual in one round trip (server/costs/compute-cost.ts computes what the job has cost).
-- Locks the job; a job that ended (its final cost settled) is left as it is. Otherwise the job's compute records are
-- summed after the lock (each statement of a VOLATILE function sees a fresh snapshot, so a record an accrual or a
-- settlement committed while this one waited counts), the difference up to `total` is recorded once (its dedupe key),
-- and the job's current cost and billed instant move. Returns the job's cost: `total`, or its settled cost.
CREATE FUNCTION "accrue_compute_cost"(
  "job_id" UUID, "total" DECIMAL(14, 6), "billed_until" TIMESTAMPTZ(3), "ended" TEXT[],
  "period_start" TIMESTAMPTZ(3), "period_end" TIMESTAMPTZ(3), "dedupe_key" TEXT, "details" JSONB
) RETURNS DECIMAL(14, 6) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  "job" RECORD;
  "recorded" DECIMAL(14, 6);
BEGIN
  SELECT "status"::text AS "status", "ownerId", "currentCost" INTO "job" FROM "TrainingJob" WHERE "id" = "job_id" FOR UPDATE;
  IF NOT FOUND THEN RETURN 0; END IF;
  IF "job"."status" = ANY("ended") THEN RETURN "job"."currentCost"; END IF;
  SELECT coalesce(sum("amount"), 0) INTO "recorded" FROM "CostRecord" WHERE "jobId" = "job_id" AND "type" = 'TRAINING_COMPUTE';
  IF "total" > "recorded" THEN
    INSERT INTO "CostRecord" ("ownerId", "jobId", "type", "amount", "details", "periodStart", "periodEnd", "dedupeKey")
    VALUES ("job"."ownerId", "job_id", 'TRAINING_COMPUTE', "total" - "recorded", "details", "period_start", "period_end", "dedupe_key")
    ON CONFLICT ("dedupeKey") DO NOTHING;
  END IF;
  UPDATE "TrainingJob" SET "currentCost" = "total", "billedUntil" = "billed_until", "updatedAt" = now() WHERE "id" = "job_id";
  RETURN "total";
END
$$;
