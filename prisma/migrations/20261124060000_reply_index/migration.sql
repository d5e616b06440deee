-- CreateIndex
CREATE INDEX "Message_inReplyToId_idx" ON "Message"("inReplyToId");

