const kinds = {
  wasm: { label: "WASM", title: "WebAssembly module, run in an Extism sandbox", style: "bg-indigo-50 text-indigo-800" },
  js: { label: "JS", title: "JavaScript, run in an isolated V8 heap", style: "bg-yellow-50 text-yellow-800" },
} as const;

export function ToolKindBadge({ kind }: { kind: keyof typeof kinds }) {
  const { label, title, style } = kinds[kind];
  return (
    <span title={title} className={`rounded px-1.5 py-0.5 text-xs font-medium ${style}`}>
      {label}
    </span>
  );
}

/** The manifest's hints for clients, plus whether the tool came with the workspace. */
export function ToolBadges({
  sample,
  hints,
  quarantine,
}: {
  sample: boolean;
  hints: { readOnly: boolean; destructive: boolean };
  quarantine?: { reason: string } | null;
}) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      {quarantine ? (
        <span
          data-testid="quarantined"
          title={`Runs are refused: ${quarantine.reason}. Upload a new version to lift it.`}
          className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800"
        >
          quarantined
        </span>
      ) : null}
      {sample ? (
        <span
          title="Installed with the workspace as an example"
          className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700"
        >
          sample
        </span>
      ) : null}
      {hints.readOnly ? (
        <span
          title="Changes nothing outside itself"
          className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800"
        >
          read-only
        </span>
      ) : null}
      {hints.destructive ? (
        <span title="May delete or overwrite things" className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800">
          destructive
        </span>
      ) : null}
    </span>
  );
}
