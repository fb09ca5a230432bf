-- AlterEnum: the owner is told when a model's files could not be stored.
ALTER TYPE "NotificationType" ADD VALUE 'ARTIFACT_FAILED';

-- CreateIndex: costSummary reads the records of partial days (a range that does not start or end at midnight UTC).
CREATE INDEX "CostRecord_ownerId_periodStart_idx" ON "CostRecord"("ownerId", "periodStart");

-- CreateTable: cost records summed per owner, UTC day (its midnight), type and job, so costSummary reads a few rows per day
-- instead of every record. Kept exact by the trigger below; never written by the application.
CREATE TABLE "CostDaily" (
    "ownerId" UUID NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "type" "CostType" NOT NULL,
    "jobKey" UUID NOT NULL,
    "amount" DECIMAL(20,6) NOT NULL,
    "records" INTEGER NOT NULL,

    CONSTRAINT "CostDaily_pkey" PRIMARY KEY ("ownerId","day","type","jobKey")
);

-- Every insert, update or delete of a cost record (cascades included) moves its day's sum, in the same transaction.
CREATE FUNCTION "cost_daily_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "CostDaily" SET "amount" = "amount" - OLD."amount", "records" = "records" - 1
     WHERE "ownerId" = OLD."ownerId" AND "day" = date_trunc('day', OLD."periodStart", 'UTC') AND "type" = OLD."type"
       AND "jobKey" = coalesce(OLD."jobId", '00000000-0000-0000-0000-000000000000'::uuid);
    DELETE FROM "CostDaily"
     WHERE "ownerId" = OLD."ownerId" AND "day" = date_trunc('day', OLD."periodStart", 'UTC') AND "type" = OLD."type"
       AND "jobKey" = coalesce(OLD."jobId", '00000000-0000-0000-0000-000000000000'::uuid) AND "records" = 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "CostDaily" ("ownerId", "day", "type", "jobKey", "amount", "records")
    VALUES (NEW."ownerId", date_trunc('day', NEW."periodStart", 'UTC'), NEW."type",
            coalesce(NEW."jobId", '00000000-0000-0000-0000-000000000000'::uuid), NEW."amount", 1)
    ON CONFLICT ("ownerId", "day", "type", "jobKey")
    DO UPDATE SET "amount" = "CostDaily"."amount" + EXCLUDED."amount", "records" = "CostDaily"."records" + 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "CostRecord_daily_rollup" AFTER INSERT OR UPDATE OR DELETE ON "CostRecord"
  FOR EACH ROW EXECUTE FUNCTION "cost_daily_rollup"();

-- Backfill the records written before this migration.
INSERT INTO "CostDaily" ("ownerId", "day", "type", "jobKey", "amount", "records")
SELECT "ownerId", date_trunc('day', "periodStart", 'UTC'), "type", coalesce("jobId", '00000000-0000-0000-0000-000000000000'::uuid), sum("amount"), count(*)
FROM "CostRecord"
GROUP BY 1, 2, 3, 4;
