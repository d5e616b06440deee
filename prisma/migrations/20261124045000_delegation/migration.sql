-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "parentId" TEXT;

