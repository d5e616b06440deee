-- CreateEnum
CREATE TYPE "Performative" AS ENUM ('REQUEST', 'INFORM', 'QUERY', 'PROPOSE', 'ACCEPT_PROPOSAL', 'REJECT_PROPOSAL', 'FAILURE', 'NOT_UNDERSTOOD');

-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('queued', 'running', 'answered', 'failed');

-- CreateTable
CREATE TABLE "Conversation" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "performative" "Performative" NOT NULL,
    "capability" TEXT NOT NULL,
    "senderType" TEXT NOT NULL,
    "senderLabel" TEXT NOT NULL,
    "senderAgentId" TEXT,
    "receiverAgentId" TEXT,
    "agentVersionId" TEXT,
    "inReplyToId" TEXT,
    "replyKey" TEXT,
    "content" JSONB NOT NULL,
    "status" "MessageStatus" NOT NULL DEFAULT 'queued',
    "routing" JSONB,
    "depth" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Conversation_workspaceId_updatedAt_idx" ON "Conversation"("workspaceId", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_replyKey_key" ON "Message"("replyKey");

-- CreateIndex
CREATE INDEX "Message_conversationId_createdAt_idx" ON "Message"("conversationId", "createdAt");

-- CreateIndex
CREATE INDEX "Message_workspaceId_createdAt_idx" ON "Message"("workspaceId", "createdAt");

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_inReplyToId_fkey" FOREIGN KEY ("inReplyToId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

