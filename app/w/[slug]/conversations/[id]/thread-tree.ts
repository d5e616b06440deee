/**
 * Arranges a conversation's messages as threads: a request an agent delegated (through the
 * built-in `ask` tool: `parentId` = the request whose turn sent it) is nested under that
 * request, together with its own replies and its own delegations, to any depth. Everything
 * else stays on the top-level timeline in time order, as do delegations whose parent is not
 * (yet) in the list, so a live event arriving early is never hidden.
 */

export interface ThreadableMessage {
  id: string;
  performative: string;
  parentId: string | null;
  inReplyTo: string | null;
  createdAt: string;
}

export interface ThreadNode<M extends ThreadableMessage> {
  message: M;
  /** Requests delegated from this request's turn, each with its own thread. */
  delegations: DelegationThread<M>[];
}

export interface DelegationThread<M extends ThreadableMessage> {
  request: ThreadNode<M>;
  /** The delegated request's replies, in time order. */
  replies: ThreadNode<M>[];
}

const byTime = (a: ThreadableMessage, b: ThreadableMessage) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

export function threadTimeline<M extends ThreadableMessage>(messages: M[]): ThreadNode<M>[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  // A delegated request, nested under its parent when that parent is here.
  const isDelegation = (m: M) => m.performative === "REQUEST" && m.parentId !== null && byId.has(m.parentId) && m.parentId !== m.id;
  const delegated = new Set(messages.filter(isDelegation).map((m) => m.id));
  const delegationsOf = new Map<string, M[]>();
  const repliesOf = new Map<string, M[]>();
  const topLevel: M[] = [];
  for (const m of [...messages].sort(byTime)) {
    if (delegated.has(m.id)) (delegationsOf.get(m.parentId!) ?? delegationsOf.set(m.parentId!, []).get(m.parentId!)!).push(m);
    else if (m.inReplyTo && delegated.has(m.inReplyTo))
      (repliesOf.get(m.inReplyTo) ?? repliesOf.set(m.inReplyTo, []).get(m.inReplyTo)!).push(m);
    else topLevel.push(m);
  }
  const seen = new Set<string>();
  const node = (m: M): ThreadNode<M> => {
    // Guards against a parentId cycle in bad data: each message is placed once.
    seen.add(m.id);
    const delegations = (delegationsOf.get(m.id) ?? [])
      .filter((d) => !seen.has(d.id))
      .map((d) => ({ request: node(d), replies: (repliesOf.get(d.id) ?? []).map(node) }));
    return { message: m, delegations };
  };
  const tree = topLevel.map(node);
  // Delegations caught in a cycle never reach the top level through a parent: show them there.
  const stranded = messages.filter((m) => !seen.has(m.id)).sort(byTime);
  return [...tree, ...stranded.map((m) => ({ message: m, delegations: [] }))];
}
