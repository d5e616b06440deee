-- AlterTable
ALTER TABLE "ToolVersion" ADD COLUMN     "breachWindowAt" TIMESTAMP(3),
ADD COLUMN     "breaches" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "quarantineReason" TEXT,
ADD COLUMN     "quarantinedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ToolInvocation" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "deliveryAttempts" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "ToolInvocation_status_createdAt_idx" ON "ToolInvocation"("status", "createdAt");

