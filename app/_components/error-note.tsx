"use client";

/** Shows an API error the same way everywhere: what went wrong, then what to do. */
export function ErrorNote({ error }: { error: { message: string; data?: unknown } | null | undefined }) {
  if (!error) return null;
  const hint = (error.data as { hint?: string } | undefined)?.hint;
  return (
    <div role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <p>{error.message}</p>
      {hint ? <p className="mt-1 text-red-700">{hint}</p> : null}
    </div>
  );
}
