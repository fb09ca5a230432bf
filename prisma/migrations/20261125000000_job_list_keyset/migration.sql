-- The job list's index becomes unique (id makes it so), so its cursor can carry (createdAt, id) for a keyset.
DROP INDEX "TrainingJob_ownerId_createdAt_id_idx";

-- CreateIndex
CREATE UNIQUE INDEX "TrainingJob_ownerId_createdAt_id_key" ON "TrainingJob"("ownerId", "createdAt" DESC, "id" DESC);
