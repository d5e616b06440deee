/** A unified diff, each line coloured by what it does: added, removed, hunk header or context. */
export function DiffView({ diff, label = "Diff" }: { diff: string; label?: string }) {
  const lines = diff.replace(/\n$/, "").split("\n");
  return (
    <pre
      aria-label={label}
      data-testid="diff"
      className="max-h-[28rem] overflow-auto rounded-md border border-slate-200 bg-white py-2 font-mono text-xs leading-5"
    >
      {lines.map((line, index) => (
        <div key={index} data-change={changeOf(line)} className={`whitespace-pre px-3 ${styles[changeOf(line)]}`}>
          {line || " "}
        </div>
      ))}
    </pre>
  );
}

type Change = "header" | "hunk" | "added" | "removed" | "context";

const styles: Record<Change, string> = {
  header: "font-semibold text-slate-500",
  hunk: "bg-sky-50 text-sky-800",
  added: "bg-emerald-50 text-emerald-900",
  removed: "bg-red-50 text-red-900",
  context: "text-slate-700",
};

function changeOf(line: string): Change {
  if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("Index:") || line.startsWith("\\")) return "header";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "added";
  if (line.startsWith("-")) return "removed";
  return "context";
}
