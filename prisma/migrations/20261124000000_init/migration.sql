-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "vector";

-- CreateEnum
CREATE TYPE "ProbeStatus" AS ENUM ('queued', 'running', 'completed');

-- CreateTable
CREATE TABLE "ProbeRun" (
    "id" TEXT NOT NULL,
    "status" "ProbeStatus" NOT NULL DEFAULT 'queued',
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "workerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "ProbeRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProbeRun_createdAt_idx" ON "ProbeRun"("createdAt");

