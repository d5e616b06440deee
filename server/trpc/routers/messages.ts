import { z } from "zod";
import { conversationSchema, getConversation, sendInputSchema, sendMessage, sentSchema } from "../../messaging/messages";
import { router, workspaceProcedure } from "../init";
import { ws } from "./shared";

export const messagesRouter = router({
  send: workspaceProcedure
    .input(ws.extend(sendInputSchema.shape))
    .output(sentSchema)
    .mutation(({ ctx, input }) => sendMessage(ctx.actor, { capability: input.capability, content: input.content, conversationId: input.conversationId, wait: input.wait })),
  conversation: workspaceProcedure
    .input(ws.extend({ id: z.string() }))
    .output(conversationSchema)
    .query(({ ctx, input }) => getConversation(ctx.actor, input.id)),
});
