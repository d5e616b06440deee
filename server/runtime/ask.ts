/**
 * The built-in `ask` tool delegates to another agent by capability through
 * server/messaging/delegate.ts. That module is being written on main; until it is merged the
 * import is resolved at run time, and `ask` is offered only when it resolves.
 * TODO(after merging main): `import { delegate } from "../messaging/delegate";`
 */

export interface DelegationParent {
  id: string;
  workspaceId: string;
  conversationId: string;
  depth: number;
}
export interface Delegator {
  agentId: string;
  agentName: string;
  maxDepth: number;
}
export type Delegation = { ok: true; content: unknown; agent: string } | { ok: false; reason: string };
export type DelegateFn = (parent: DelegationParent, from: Delegator, capability: string, content: unknown, timeoutMs: number) => Promise<Delegation>;

export const ASK_TOOL = {
  name: "ask",
  description: "Ask another agent of this workspace for help, by the capability it offers (e.g. `summarize`). Answers with that agent's reply.",
  parameters: {
    type: "object",
    properties: {
      capability: { type: "string", description: "The capability to ask for." },
      request: { type: "string", description: "What to ask, in full: the other agent sees nothing else." },
    },
    required: ["capability", "request"],
    additionalProperties: false,
  },
};

let loaded: Promise<DelegateFn | null> | undefined;

export function loadDelegate(): Promise<DelegateFn | null> {
  loaded ??= (async () => {
    const specifier = "../messaging/delegate";
    try {
      const module = (await import(/* @vite-ignore */ specifier)) as { delegate?: DelegateFn };
      return module.delegate ?? null;
    } catch {
      return null;
    }
  })();
  return loaded;
}
