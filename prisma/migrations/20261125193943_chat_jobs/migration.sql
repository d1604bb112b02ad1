-- CreateEnum
CREATE TYPE "JobState" AS ENUM ('QUEUED', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELED');

-- CreateTable
CREATE TABLE "ChatJob" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "botId" UUID,
    "triggerMessageId" UUID,
    "replyMessageId" UUID,
    "model" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "state" "JobState" NOT NULL DEFAULT 'QUEUED',
    "text" TEXT NOT NULL DEFAULT '',
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "usage" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "requestId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ChatJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ChatJob_replyMessageId_key" ON "ChatJob"("replyMessageId");

-- CreateIndex
CREATE INDEX "ChatJob_triggerMessageId_idx" ON "ChatJob"("triggerMessageId");

-- CreateIndex
CREATE INDEX "ChatJob_userId_state_idx" ON "ChatJob"("userId", "state");

-- CreateIndex
CREATE INDEX "ChatJob_state_finishedAt_idx" ON "ChatJob"("state", "finishedAt");

-- AddForeignKey
ALTER TABLE "ChatJob" ADD CONSTRAINT "ChatJob_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
