-- AlterTable
ALTER TABLE "Participation" ADD COLUMN     "preview" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "taskDoneAt" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "ParticipationDeletion" (
    "id" UUID NOT NULL,
    "studySlug" TEXT NOT NULL,
    "participationId" UUID NOT NULL,
    "participantId" TEXT NOT NULL,
    "preview" BOOLEAN NOT NULL,
    "deletedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ParticipationDeletion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ParticipationDeletion_studySlug_createdAt_idx" ON "ParticipationDeletion"("studySlug", "createdAt");

-- CreateIndex
CREATE INDEX "Participation_studySlug_startedAt_id_idx" ON "Participation"("studySlug", "startedAt", "id");
