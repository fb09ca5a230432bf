-- Monthly budgets (issue 20): one per user, with alerts at 50, 80 and 100 % and an optional hard stop.
ALTER TYPE "NotificationType" ADD VALUE 'BUDGET_THRESHOLD';
ALTER TYPE "NotificationType" ADD VALUE 'BUDGET_REACHED';

CREATE TABLE "Budget" (
    "ownerId" UUID NOT NULL,
    "amount" DECIMAL(14,6) NOT NULL,
    "hardStop" BOOLEAN NOT NULL DEFAULT false,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Budget_pkey" PRIMARY KEY ("ownerId")
);

ALTER TABLE "Budget" ADD CONSTRAINT "Budget_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
