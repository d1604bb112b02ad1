-- AlterTable
ALTER TABLE "ChatJob" ADD COLUMN     "reservedTokens" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "UsageRecord" (
    "jobId" UUID NOT NULL,
    "userId" UUID,
    "botId" UUID,
    "participationId" UUID,
    "studySlug" TEXT,
    "condition" TEXT,
    "preview" BOOLEAN NOT NULL DEFAULT false,
    "model" TEXT NOT NULL,
    "promptTokens" INTEGER NOT NULL,
    "completionTokens" INTEGER NOT NULL,
    "costUsd" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageRecord_pkey" PRIMARY KEY ("jobId")
);

-- CreateTable
CREATE TABLE "UserQuota" (
    "userId" UUID NOT NULL,
    "requestsPerDay" INTEGER,
    "tokensPerDay" INTEGER,

    CONSTRAINT "UserQuota_pkey" PRIMARY KEY ("userId")
);

-- CreateIndex
CREATE INDEX "UsageRecord_userId_createdAt_idx" ON "UsageRecord"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "UsageRecord_studySlug_condition_idx" ON "UsageRecord"("studySlug", "condition");

-- CreateIndex
CREATE INDEX "UsageRecord_participationId_idx" ON "UsageRecord"("participationId");

-- CreateIndex
CREATE INDEX "UsageRecord_createdAt_idx" ON "UsageRecord"("createdAt");

-- CreateIndex
CREATE INDEX "ChatJob_userId_createdAt_idx" ON "ChatJob"("userId", "createdAt");

-- AddForeignKey
ALTER TABLE "UserQuota" ADD CONSTRAINT "UserQuota_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
