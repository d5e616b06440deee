import { z } from "zod";
import { pageQuerySchema, pageSchema } from "../lib/pagination";
import {
  conversationFilterSchema,
  conversationPageSchema,
  conversationSchema,
  conversationSummarySchema,
  getConversation,
  listConversations,
  sendInputSchema,
  sendMessage,
  sentSchema,
} from "../messaging/messages";
import { operation } from "./operation";

export const messageOperations = {
  send: operation({
    name: "messages.send",
    kind: "mutation",
    permission: "messages.send",
    input: sendInputSchema,
    output: sentSchema,
    run: (actor, input) => sendMessage(actor, input),
    rest: {
      method: "POST",
      path: "/messages",
      tag: "Messages",
      summary: "Send a message to whichever agent offers a capability",
      description:
        "Stored, then routed by a worker. With `wait` (seconds), the answer includes the replies stored by then; a reply is INFORM, or FAILURE with a reason (e.g. no agent offers the capability, with the nearest ones).",
    },
  }),
  conversation: operation({
    name: "messages.conversation",
    kind: "query",
    permission: "messages.view",
    input: z.object({ id: z.string() }).extend(conversationPageSchema.shape),
    output: conversationSchema,
    run: (actor, input) => getConversation(actor, input.id, { limit: input.limit, before: input.before }),
    rest: {
      method: "GET",
      path: "/conversations/{id}",
      tag: "Messages",
      summary: "A conversation's messages, oldest first",
      description:
        "The newest `limit` messages (at most 200), oldest first; `hasEarlier` says older ones exist, which `before` (the first message's id) pages back to.",
    },
  }),
  // The web app's conversation list; REST clients follow the conversations they start.
  conversations: operation({
    name: "messages.conversations",
    kind: "query",
    permission: "messages.view",
    input: pageQuerySchema.extend(conversationFilterSchema.shape),
    output: pageSchema(conversationSummarySchema),
    run: (actor, input) =>
      listConversations(
        actor,
        { capability: input.capability, agent: input.agent, status: input.status },
        { cursor: input.cursor, limit: input.limit },
      ),
  }),
};
