-- CreateEnum
CREATE TYPE "ToolKind" AS ENUM ('wasm', 'js');

-- CreateEnum
CREATE TYPE "InvocationStatus" AS ENUM ('queued', 'ok', 'failed');

-- CreateTable
CREATE TABLE "Tool" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "liveName" TEXT,
    "activeVersionId" TEXT,
    "sample" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Tool_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ToolVersion" (
    "id" TEXT NOT NULL,
    "toolId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "semver" TEXT NOT NULL,
    "kind" "ToolKind" NOT NULL,
    "manifest" JSONB NOT NULL,
    "manifestSource" TEXT NOT NULL,
    "module" BYTEA NOT NULL,
    "contentHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ToolVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ToolInvocation" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "toolId" TEXT NOT NULL,
    "toolVersionId" TEXT NOT NULL,
    "status" "InvocationStatus" NOT NULL DEFAULT 'queued',
    "callerType" TEXT NOT NULL,
    "callerLabel" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "output" JSONB,
    "diagnostic" JSONB,
    "durationMs" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "ToolInvocation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tool_activeVersionId_key" ON "Tool"("activeVersionId");

-- CreateIndex
CREATE INDEX "Tool_workspaceId_deletedAt_name_idx" ON "Tool"("workspaceId", "deletedAt", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Tool_workspaceId_liveName_key" ON "Tool"("workspaceId", "liveName");

-- CreateIndex
CREATE INDEX "ToolVersion_toolId_contentHash_idx" ON "ToolVersion"("toolId", "contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "ToolVersion_toolId_number_key" ON "ToolVersion"("toolId", "number");

-- CreateIndex
CREATE INDEX "ToolInvocation_toolId_createdAt_idx" ON "ToolInvocation"("toolId", "createdAt");

-- CreateIndex
CREATE INDEX "ToolInvocation_workspaceId_createdAt_idx" ON "ToolInvocation"("workspaceId", "createdAt");

-- AddForeignKey
ALTER TABLE "Tool" ADD CONSTRAINT "Tool_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tool" ADD CONSTRAINT "Tool_activeVersionId_fkey" FOREIGN KEY ("activeVersionId") REFERENCES "ToolVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolVersion" ADD CONSTRAINT "ToolVersion_toolId_fkey" FOREIGN KEY ("toolId") REFERENCES "Tool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolInvocation" ADD CONSTRAINT "ToolInvocation_toolId_fkey" FOREIGN KEY ("toolId") REFERENCES "Tool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolInvocation" ADD CONSTRAINT "ToolInvocation_toolVersionId_fkey" FOREIGN KEY ("toolVersionId") REFERENCES "ToolVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

