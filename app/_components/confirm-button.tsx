"use client";

import { useState } from "react";

/**
 * A destructive action behind a confirmation: a second click, or, with `typeToConfirm`,
 * typing a word (e.g. the workspace's slug) before the button arms.
 */
export function ConfirmButton({
  label,
  confirmLabel,
  onConfirm,
  pending,
  typeToConfirm,
  description,
}: {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  typeToConfirm?: string;
  description?: string;
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50">
        {label}
      </button>
    );
  }
  const armed = !typeToConfirm || typed === typeToConfirm;
  return (
    <div role="group" aria-label={label} className="flex flex-wrap items-center gap-2 rounded-md border border-red-200 bg-red-50 p-2 text-sm">
      {description ? <span className="text-red-800">{description}</span> : null}
      {typeToConfirm ? (
        <label className="flex items-center gap-2">
          <span className="text-red-800">
            Type <code className="font-mono">{typeToConfirm}</code> to confirm
          </span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="Confirmation" className="rounded border border-red-300 px-2 py-1 font-mono" />
        </label>
      ) : null}
      <button type="button" disabled={!armed || pending} onClick={onConfirm} className="rounded-md bg-red-600 px-3 py-1.5 font-medium text-white hover:bg-red-700 disabled:opacity-50">
        {confirmLabel}
      </button>
      <button type="button" onClick={() => { setOpen(false); setTyped(""); }} className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-white">
        Cancel
      </button>
    </div>
  );
}
