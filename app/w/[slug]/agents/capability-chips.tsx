export function CapabilityChips({ capabilities }: { capabilities: readonly string[] }) {
  return (
    <ul aria-label="Capabilities" className="flex flex-wrap gap-1">
      {capabilities.map((capability) => (
        <li key={capability} className="rounded-full bg-slate-100 px-2 py-0.5 font-mono text-xs text-slate-700">
          {capability}
        </li>
      ))}
    </ul>
  );
}
