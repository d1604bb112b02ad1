-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ParticipationStatus" ADD VALUE 'OPENED';
ALTER TYPE "ParticipationStatus" ADD VALUE 'DECLINED';
ALTER TYPE "ParticipationStatus" ADD VALUE 'TIMED_OUT';
ALTER TYPE "ParticipationStatus" ADD VALUE 'SCREENED_OUT';

-- AlterTable
ALTER TABLE "Participation" ADD COLUMN     "resumeSecretHash" TEXT,
ALTER COLUMN "condition" DROP NOT NULL,
ALTER COLUMN "status" SET DEFAULT 'OPENED',
ALTER COLUMN "taskOrder" SET DEFAULT '[]';

-- CreateTable
CREATE TABLE "AttentionFailure" (
    "id" UUID NOT NULL,
    "participationId" UUID NOT NULL,
    "taskId" TEXT NOT NULL,
    "questionId" TEXT NOT NULL,
    "answer" JSONB,
    "policy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AttentionFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AttentionFailure_participationId_createdAt_idx" ON "AttentionFailure"("participationId", "createdAt");

-- CreateIndex
CREATE INDEX "Participation_studySlug_status_idx" ON "Participation"("studySlug", "status");

-- AddForeignKey
ALTER TABLE "AttentionFailure" ADD CONSTRAINT "AttentionFailure_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "Participation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
