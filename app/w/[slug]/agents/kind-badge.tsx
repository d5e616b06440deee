const kinds = {
  llm: { label: "LLM", title: "Thinks with a language model ([llm])", style: "bg-violet-50 text-violet-800" },
  tool: { label: "tool", title: "Runs one tool, no model ([handler])", style: "bg-amber-50 text-amber-800" },
} as const;

export function KindBadge({ kind }: { kind: keyof typeof kinds }) {
  const { label, title, style } = kinds[kind];
  return (
    <span title={title} className={`rounded px-1.5 py-0.5 text-xs font-medium ${style}`}>
      {label}
    </span>
  );
}
