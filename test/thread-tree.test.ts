import { describe, expect, it } from "vitest";
import { threadTimeline, type ThreadNode, type ThreadableMessage } from "../app/w/[slug]/conversations/[id]/thread-tree";

// The conversation timeline's shape: delegations (parentId) nest under the request that sent
// them, with their replies (inReplyTo), to any depth; everything else stays top-level.
let clock = 0;
const msg = (id: string, performative: string, links: { parentId?: string; inReplyTo?: string } = {}): ThreadableMessage => ({
  id,
  performative,
  parentId: links.parentId ?? null,
  inReplyTo: links.inReplyTo ?? null,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString(),
});

/** A readable outline: "id" for a node, "id{>d[..] r..}" for its delegations and their replies. */
const outline = (nodes: ThreadNode<ThreadableMessage>[]): string[] =>
  nodes.map((n) =>
    n.delegations.length
      ? `${n.message.id}{${n.delegations.map((d) => `>${outline([d.request]).join()}[${outline(d.replies).join(" ")}]`).join(" ")}}`
      : n.message.id,
  );

describe("threadTimeline", () => {
  it("keeps a conversation without delegations flat, in time order", () => {
    const request = msg("r1", "REQUEST");
    const reply = msg("i1", "INFORM", { inReplyTo: "r1" });
    expect(outline(threadTimeline([reply, request]))).toEqual(["r1", "i1"]);
  });

  it("nests a delegated request and its reply under the request whose turn sent it", () => {
    const messages = [
      msg("r1", "REQUEST"),
      msg("d1", "REQUEST", { parentId: "r1" }),
      msg("d1-reply", "INFORM", { inReplyTo: "d1" }),
      msg("i1", "INFORM", { inReplyTo: "r1" }),
    ];
    expect(outline(threadTimeline(messages))).toEqual(["r1{>d1[d1-reply]}", "i1"]);
  });

  it("nests to any depth, with several delegations of one turn side by side", () => {
    const messages = [
      msg("r1", "REQUEST"),
      msg("d1", "REQUEST", { parentId: "r1" }),
      msg("d2", "REQUEST", { parentId: "d1" }),
      msg("d2-reply", "FAILURE", { inReplyTo: "d2" }),
      msg("d1-reply", "INFORM", { inReplyTo: "d1" }),
      msg("d3", "REQUEST", { parentId: "r1" }),
      msg("d3-reply", "INFORM", { inReplyTo: "d3" }),
      msg("i1", "INFORM", { inReplyTo: "r1" }),
    ];
    expect(outline(threadTimeline(messages))).toEqual(["r1{>d1{>d2[d2-reply]}[d1-reply] >d3[d3-reply]}", "i1"]);
  });

  it("shows a delegation whose parent has not arrived yet on the top level, so a live event is never hidden", () => {
    const messages = [msg("d1", "REQUEST", { parentId: "missing" }), msg("d1-reply", "INFORM", { inReplyTo: "d1" })];
    expect(outline(threadTimeline(messages))).toEqual(["d1", "d1-reply"]);
  });

  it("places every message exactly once, even when bad data makes parents a cycle", () => {
    const messages = [msg("a", "REQUEST", { parentId: "b" }), msg("b", "REQUEST", { parentId: "a" }), msg("c", "REQUEST")];
    const ids: string[] = [];
    const walk = (nodes: ThreadNode<ThreadableMessage>[]) =>
      nodes.forEach((n) => (ids.push(n.message.id), n.delegations.forEach((d) => (walk([d.request]), walk(d.replies)))));
    walk(threadTimeline(messages));
    expect(ids.sort()).toEqual(["a", "b", "c"]);
  });
});
