import { readFile } from "node:fs/promises";
import type { MessageView } from "../../server/messaging/messages";
import { stringFlag, type ParsedArgs } from "../args";
import { connect } from "../api-client";
import type { Command } from "../command";
import { exitCodes, usageError } from "../errors";
import { printResult } from "../output";

const contentText = (content: unknown) => (typeof content === "string" ? content : JSON.stringify(content, null, 2));

function replyText(reply: MessageView): string {
  const content =
    reply.performative === "FAILURE" && reply.content && typeof reply.content === "object" && "reason" in reply.content
      ? String((reply.content as { reason: unknown }).reason)
      : contentText(reply.content);
  return `${reply.performative} from ${reply.sender.label}:\n${content}`;
}

/** How long `send` waits for a reply when --wait is not given, or given bare; the API allows up to 60 s. */
export const DEFAULT_WAIT_SECONDS = 30;
const MAX_WAIT_SECONDS = 60;
/** `60`, `60s` or `1.5`: what counts as --wait's value when it is the next word. */
const SECONDS = /^\d+(?:\.\d+)?s?$/;

/** --wait [<s>] and --no-wait as seconds: absent or bare, the default; --no-wait, 0 (only queue it). */
function waitSeconds(args: ParsedArgs): number {
  const flag = args.flags.wait;
  if (flag === undefined || flag === true) return DEFAULT_WAIT_SECONDS;
  if (flag === false) return 0;
  const seconds = SECONDS.test(flag.trim()) ? Number(flag.trim().replace(/s$/, "")) : Number.NaN;
  if (!(seconds <= MAX_WAIT_SECONDS))
    throw usageError(
      `--wait "${flag}" is not a number of seconds from 0 to ${MAX_WAIT_SECONDS}.`,
      `e.g. --wait 60, --wait=10s, or --no-wait to only queue the message.`,
    );
  return seconds;
}

export const messageCommands: Command[] = [
  {
    name: "send",
    usage: "send <capability> <text|@file> [--wait [<s>]] [--no-wait] [--conversation <id>]",
    summary: "Send a message to whichever agent offers a capability and print the reply.",
    details:
      "The content is the text, or a file's text with @path; text that is a JSON object is sent as JSON\n" +
      "(tool agents take it as their tool's input).\n" +
      `Without --wait (or with a bare --wait), send waits up to ${DEFAULT_WAIT_SECONDS} s for the reply. When none has come by\n` +
      "then, it prints the message's id, conversation and status and where to read the reply later,\n" +
      "and exits 0: the message stays queued and is still answered. --no-wait (or --wait 0) only queues it.\n" +
      "Exit 1 when the reply is a FAILURE.",
    arguments: ["capability", "text|@file"],
    options: [
      {
        name: "wait",
        value: "s",
        optionalValue: SECONDS,
        description: `seconds to wait for the reply, up to ${MAX_WAIT_SECONDS} (default ${DEFAULT_WAIT_SECONDS}; 60s also works)`,
      },
      { name: "conversation", value: "id", description: "continue this conversation" },
    ],
    async run(args, out) {
      const [capability, raw] = args.positionals as [string, string];
      const wait = waitSeconds(args);
      const text = raw.startsWith("@")
        ? await readFile(raw.slice(1), "utf8").catch((error: NodeJS.ErrnoException) =>
            Promise.reject(usageError(`Cannot read ${raw.slice(1)}: ${error.code ?? error.message}.`)),
          )
        : raw;
      let content: unknown = text;
      if (/^\s*\{/.test(text)) {
        try {
          content = JSON.parse(text);
        } catch {
          content = text;
        }
      }
      const conversationId = stringFlag(args, "conversation", "id");
      const sent = await connect().request<{ message: MessageView; replies: MessageView[] }>("POST", "/messages", {
        capability,
        content,
        wait,
        ...(conversationId ? { conversationId } : {}),
      });
      const { message, replies } = sent;
      const head = `${message.id} in conversation ${message.conversationId}: ${message.status}`;
      const later = `GET /api/v1/conversations/${message.conversationId}, or Conversations in the dashboard`;
      const lines = replies.length
        ? replies.map(replyText)
        : [
            wait > 0
              ? `No reply within ${wait} s; it is still on its way. Read it later: ${later}.`
              : `Queued, not waiting for the reply. Read it later: ${later}.`,
          ];
      printResult(out, sent, [head, ...lines].join("\n"));
      return replies.some((r) => r.performative === "FAILURE") && !replies.some((r) => r.performative === "INFORM")
        ? exitCodes.error
        : exitCodes.ok;
    },
  },
];
