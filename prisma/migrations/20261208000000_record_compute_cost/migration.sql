-- A job's compute cost records in one place: a poll's accrual and the settlement when the job ends, one round trip
-- each (server/costs/compute-cost.ts computes what the job has cost). Replaces accrue_compute_cost.
DROP FUNCTION "accrue_compute_cost"(UUID, DECIMAL(14, 6), TIMESTAMPTZ(3), TEXT[], TIMESTAMPTZ(3), TIMESTAMPTZ(3), TEXT, JSONB);

-- Records the job's compute cost up to `total`. Locks the job (the settlement runs in the transaction that ended it,
-- which holds the lock already), sums its compute records after the lock (each statement of a VOLATILE function sees
-- a fresh snapshot, so a record committed while this one waited counts), records the difference once (its dedupe
-- key), and moves the job's current cost and billed instant.
-- An accrual (`final` false) leaves a job that ended (its status in `ended`, its final cost settled) as it is, and
-- records only a rise. The settlement (`final`) records any difference, so the records add up to the final cost even
-- after an accrual billed a second past the end, and sets the final cost.
-- Returns the job's cost: `total`, or an ended job's settled cost.
CREATE FUNCTION "record_compute_cost"(
  "job_id" UUID, "total" DECIMAL(14, 6), "billed_until" TIMESTAMPTZ(3), "ended" TEXT[], "final" BOOLEAN,
  "period_start" TIMESTAMPTZ(3), "period_end" TIMESTAMPTZ(3), "dedupe_key" TEXT, "details" JSONB
) RETURNS DECIMAL(14, 6) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  "job" RECORD;
  "recorded" DECIMAL(14, 6);
BEGIN
  SELECT "status"::text AS "status", "ownerId", "currentCost" INTO "job" FROM "TrainingJob" WHERE "id" = "job_id" FOR UPDATE;
  IF NOT FOUND THEN RETURN 0; END IF;
  IF NOT "final" AND "job"."status" = ANY("ended") THEN RETURN "job"."currentCost"; END IF;
  SELECT coalesce(sum("amount"), 0) INTO "recorded" FROM "CostRecord" WHERE "jobId" = "job_id" AND "type" = 'TRAINING_COMPUTE';
  IF "total" > "recorded" OR ("final" AND "total" <> "recorded") THEN
    INSERT INTO "CostRecord" ("ownerId", "jobId", "type", "amount", "details", "periodStart", "periodEnd", "dedupeKey")
    VALUES ("job"."ownerId", "job_id", 'TRAINING_COMPUTE', "total" - "recorded", "details", "period_start", "period_end", "dedupe_key")
    ON CONFLICT ("dedupeKey") DO NOTHING;
  END IF;
  UPDATE "TrainingJob" SET "currentCost" = "total", "billedUntil" = "billed_until",
    "finalCost" = CASE WHEN "final" THEN "total" ELSE "finalCost" END, "updatedAt" = now()
  WHERE "id" = "job_id";
  RETURN "total";
END
$$;
