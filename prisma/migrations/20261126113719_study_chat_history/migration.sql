-- AlterTable
ALTER TABLE "StudyTurn" ADD COLUMN     "seq" BIGSERIAL NOT NULL,
ADD COLUMN     "systemPrompt" TEXT;

-- CreateTable
CREATE TABLE "StudyImage" (
    "id" UUID NOT NULL,
    "turnId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "mime" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "StudyImage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StudyTokenUse" (
    "jobId" UUID NOT NULL,
    "studySlug" TEXT NOT NULL,
    "participationId" UUID NOT NULL,
    "reserved" INTEGER NOT NULL,
    "used" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "StudyTokenUse_pkey" PRIMARY KEY ("jobId")
);

-- CreateIndex
CREATE UNIQUE INDEX "StudyImage_turnId_position_key" ON "StudyImage"("turnId", "position");

-- CreateIndex
CREATE INDEX "StudyTokenUse_studySlug_idx" ON "StudyTokenUse"("studySlug");

-- CreateIndex
CREATE UNIQUE INDEX "StudyTurn_seq_key" ON "StudyTurn"("seq");

-- CreateIndex
CREATE INDEX "StudyTurn_participationId_taskId_seq_idx" ON "StudyTurn"("participationId", "taskId", "seq");

-- AddForeignKey
ALTER TABLE "StudyImage" ADD CONSTRAINT "StudyImage_turnId_fkey" FOREIGN KEY ("turnId") REFERENCES "StudyTurn"("id") ON DELETE CASCADE ON UPDATE CASCADE;
