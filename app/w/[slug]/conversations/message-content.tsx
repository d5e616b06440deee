/** A message's content: text as it is, anything else as pretty JSON. */
export function MessageContent({ content }: { content: unknown }) {
  const reason =
    typeof content === "object" && content !== null && "reason" in content && typeof content.reason === "string" ? content.reason : null;
  return (
    <>
      {reason ? <p className="mb-1 text-sm text-red-800">{reason}</p> : null}
      {typeof content === "string" ? (
        <p className="whitespace-pre-wrap break-words text-sm">{content}</p>
      ) : (
        <pre className="overflow-x-auto rounded bg-slate-50 p-2 font-mono text-xs">{JSON.stringify(content, null, 2)}</pre>
      )}
    </>
  );
}

/** One line for a list. */
export function preview(content: unknown): string {
  const text = typeof content === "string" ? content : JSON.stringify(content);
  return text.length > 140 ? `${text.slice(0, 140)}…` : text;
}
