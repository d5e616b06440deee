import { z } from "zod";
import { conversationFilterSchema, conversationPageSchema, conversationSchema, conversationSummarySchema, getConversation, listConversations, sendInputSchema, sendMessage, sentSchema } from "../../messaging/messages";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { router, workspaceProcedure } from "../init";
import { ws } from "./shared";

export const messagesRouter = router({
  send: workspaceProcedure
    .input(ws.extend(sendInputSchema.shape))
    .output(sentSchema)
    .mutation(({ ctx, input }) => sendMessage(ctx.actor, { capability: input.capability, content: input.content, conversationId: input.conversationId, wait: input.wait })),
  conversation: workspaceProcedure
    .input(ws.extend({ id: z.string() }).extend(conversationPageSchema.shape))
    .output(conversationSchema)
    .query(({ ctx, input }) => getConversation(ctx.actor, input.id, { limit: input.limit, before: input.before })),
  conversations: workspaceProcedure
    .input(ws.extend(pageQuerySchema.shape).extend(conversationFilterSchema.shape))
    .output(pageSchema(conversationSummarySchema))
    .query(({ ctx, input }) => listConversations(ctx.actor, { capability: input.capability, agent: input.agent, status: input.status }, { cursor: input.cursor, limit: input.limit })),
});
