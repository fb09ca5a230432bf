-- One metadata key per concept: model notifications named their job "trainingJobId", every other notification "jobId".
UPDATE "Notification"
SET "metadata" = ("metadata" - 'trainingJobId') || jsonb_build_object('jobId', "metadata"->'trainingJobId')
WHERE "metadata" ? 'trainingJobId';
