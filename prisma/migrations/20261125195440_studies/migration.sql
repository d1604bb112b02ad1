-- CreateEnum
CREATE TYPE "ParticipationStatus" AS ENUM ('STARTED', 'COMPLETED', 'RETURNED');

-- AlterTable
ALTER TABLE "ChatJob" ADD COLUMN     "participationId" UUID,
ADD COLUMN     "taskId" TEXT,
ALTER COLUMN "userId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Participation" (
    "id" UUID NOT NULL,
    "studySlug" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "prolificStudyId" TEXT,
    "sessionId" TEXT,
    "condition" TEXT NOT NULL,
    "status" "ParticipationStatus" NOT NULL DEFAULT 'STARTED',
    "currentTask" INTEGER NOT NULL DEFAULT 0,
    "taskOrder" JSONB NOT NULL,
    "progress" JSONB NOT NULL DEFAULT '{}',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "consentedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Participation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ParticipationRecord" (
    "participationId" UUID NOT NULL,
    "data" JSONB NOT NULL,
    "score" INTEGER,
    "scoreTotal" INTEGER,
    "savedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ParticipationRecord_pkey" PRIMARY KEY ("participationId")
);

-- CreateTable
CREATE TABLE "StudyTurn" (
    "id" UUID NOT NULL,
    "participationId" UUID NOT NULL,
    "taskId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "images" INTEGER NOT NULL DEFAULT 0,
    "model" TEXT,
    "jobId" UUID,
    "promptTokens" INTEGER,
    "completionTokens" INTEGER,
    "latencyMs" INTEGER,
    "outcome" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StudyTurn_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Participation_studySlug_condition_idx" ON "Participation"("studySlug", "condition");

-- CreateIndex
CREATE UNIQUE INDEX "Participation_studySlug_participantId_key" ON "Participation"("studySlug", "participantId");

-- CreateIndex
CREATE INDEX "StudyTurn_participationId_createdAt_idx" ON "StudyTurn"("participationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "StudyTurn_jobId_role_key" ON "StudyTurn"("jobId", "role");

-- CreateIndex
CREATE INDEX "ChatJob_participationId_state_idx" ON "ChatJob"("participationId", "state");

-- AddForeignKey
ALTER TABLE "ChatJob" ADD CONSTRAINT "ChatJob_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "Participation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParticipationRecord" ADD CONSTRAINT "ParticipationRecord_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "Participation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StudyTurn" ADD CONSTRAINT "StudyTurn_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "Participation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
