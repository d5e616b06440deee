import { readFile } from "node:fs/promises";
import type { MessageView } from "../../server/messaging/messages";
import { stringFlag } from "../args";
import { connect } from "../api-client";
import type { Command } from "../command";
import { exitCodes, usageError } from "../errors";
import { printResult } from "../output";

const contentText = (content: unknown) => (typeof content === "string" ? content : JSON.stringify(content, null, 2));

function replyText(reply: MessageView): string {
  const content = reply.performative === "FAILURE" && reply.content && typeof reply.content === "object" && "reason" in reply.content ? String((reply.content as { reason: unknown }).reason) : contentText(reply.content);
  return `${reply.performative} from ${reply.sender.label}:\n${content}`;
}

export const messageCommands: Command[] = [
  {
    name: "send",
    usage: "send <capability> <text|@file> [--wait <s>] [--conversation <id>]",
    summary: "Send a message to whichever agent offers a capability; --wait prints the reply.",
    details: "The content is the text, or a file's text with @path; text that is a JSON object is sent as JSON\n(tool agents take it as their tool's input). Exit 1 when the reply is a FAILURE.",
    arguments: ["capability", "text|@file"],
    options: [
      { name: "wait", value: "s", description: "seconds to wait for the reply (default 30; 0 to only queue it)" },
      { name: "conversation", value: "id", description: "continue this conversation" },
    ],
    async run(args, out) {
      const [capability, raw] = args.positionals as [string, string];
      const text = raw.startsWith("@") ? await readFile(raw.slice(1), "utf8").catch((error: NodeJS.ErrnoException) => Promise.reject(usageError(`Cannot read ${raw.slice(1)}: ${error.code ?? error.message}.`))) : raw;
      let content: unknown = text;
      if (/^\s*\{/.test(text)) {
        try {
          content = JSON.parse(text);
        } catch {
          content = text;
        }
      }
      const waitFlag = stringFlag(args, "wait", "s");
      const wait = waitFlag === undefined ? 30 : Number(waitFlag);
      if (!Number.isFinite(wait) || wait < 0 || wait > 60) throw usageError(`--wait "${waitFlag}" is not a number of seconds from 0 to 60.`);
      const conversationId = stringFlag(args, "conversation", "id");
      const sent = await connect().request<{ message: MessageView; replies: MessageView[] }>("POST", "/messages", { capability, content, wait, ...(conversationId ? { conversationId } : {}) });
      const { message, replies } = sent;
      const head = `${message.id} in conversation ${message.conversationId}: ${message.status}`;
      const lines = replies.length ? replies.map(replyText) : [wait > 0 ? `No reply within ${wait} s; \`caxton\` can fetch it later from GET /api/v1/conversations/${message.conversationId}.` : "Queued."];
      printResult(out, sent, [head, ...lines].join("\n"));
      return replies.some((r) => r.performative === "FAILURE") && !replies.some((r) => r.performative === "INFORM") ? exitCodes.error : exitCodes.ok;
    },
  },
];
