/** The dashboard's sections: navigation, titles, and what each shows while it is empty. */
export const sections = {
  agents: {
    label: "Agents",
    description: "Agents are TOML documents: a name, capabilities, and an LLM or a tool that does the work.",
    emptyTitle: "No agents yet",
    emptyBody:
      "An agent is one TOML document. Start from a template and fill in a few blanks, or write one from scratch in the editor, which checks it as you type.",
  },
  conversations: {
    label: "Conversations",
    description: "Messages to capabilities and the agents' replies, with how each was routed. Updates live.",
    emptyTitle: "No conversations yet",
    emptyBody:
      "Send a message to a capability above (or with `caxton send`, or POST /api/v1/messages); it starts a conversation that shows here as it is routed and answered.",
  },
  tools: {
    label: "Tools",
    description: "Sandboxed WebAssembly and JavaScript tools your agents can call. Run one here to try it.",
    emptyTitle: "No tools yet",
    emptyBody:
      "A tool is a manifest (its name, input schema and limits) and a .wasm or .js module. Upload one to run it here, from agents, or over MCP.",
  },
  memory: {
    label: "Memory",
    description: "Long-term memory for agents, searchable by meaning.",
    emptyTitle: "No memories yet",
    emptyBody: "Agent memory in Postgres with pgvector is not built yet.",
  },
  marketplace: {
    label: "Marketplace",
    description: "Templates and tools shared between workspaces.",
    emptyTitle: "Nothing shared yet",
    emptyBody: "The marketplace opens once agents and tools exist.",
  },
  settings: {
    label: "Settings",
    description: "Workspace, members, API tokens, audit log and usage.",
    emptyTitle: "",
    emptyBody: "",
  },
  system: {
    label: "System",
    description: "Live health of this Caxton install, refreshed every two seconds.",
    emptyTitle: "",
    emptyBody: "",
  },
} as const;

export type SectionId = keyof typeof sections;
