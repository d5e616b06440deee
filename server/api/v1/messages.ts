import { z } from "zod";
import { conversationPageSchema, conversationSchema, getConversation, sendInputSchema, sendMessage, sentSchema } from "../../messaging/messages";
import { route } from "../route";

export const messageRoutes = [
  route({
    method: "POST",
    path: "/messages",
    tag: "Messages",
    summary: "Send a message to whichever agent offers a capability",
    description:
      "Stored, then routed by a worker. With `wait` (seconds), the answer includes the replies stored by then; a reply is INFORM, or FAILURE with a reason (e.g. no agent offers the capability, with the nearest ones).",
    body: sendInputSchema,
    response: sentSchema,
    async handler({ actor, body }) {
      return sendMessage(actor, body);
    },
  }),
  route({
    method: "GET",
    path: "/conversations/{id}",
    tag: "Messages",
    summary: "A conversation's messages, oldest first",
    description: "The newest `limit` messages (at most 200), oldest first; `hasEarlier` says older ones exist, which `before` (the first message's id) pages back to.",
    params: z.object({ id: z.string() }),
    query: conversationPageSchema,
    response: conversationSchema,
    async handler({ actor, params, query }) {
      return getConversation(actor, params.id, query);
    },
  }),
];
