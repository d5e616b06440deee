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
  tone = "danger",
}: {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  typeToConfirm?: string;
  description?: string;
  /** "neutral" for actions that can be undone (activating another version). */
  tone?: "danger" | "neutral";
}) {
  const look = tones[tone];
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className={look.open}>
        {label}
      </button>
    );
  }
  const armed = !typeToConfirm || typed === typeToConfirm;
  return (
    <div role="group" aria-label={label} className={`flex flex-wrap items-center gap-2 rounded-md border p-2 text-sm ${look.group}`}>
      {description ? <span className={look.text}>{description}</span> : null}
      {typeToConfirm ? (
        <label className="flex items-center gap-2">
          <span className="text-red-800">
            Type <code className="font-mono">{typeToConfirm}</code> to confirm
          </span>
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            aria-label="Confirmation"
            className="rounded border border-red-300 px-2 py-1 font-mono"
          />
        </label>
      ) : null}
      <button
        type="button"
        disabled={!armed || pending}
        onClick={onConfirm}
        className={`rounded-md px-3 py-1.5 font-medium text-white disabled:opacity-50 ${look.confirm}`}
      >
        {confirmLabel}
      </button>
      <button
        type="button"
        onClick={() => {
          setOpen(false);
          setTyped("");
        }}
        className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-white"
      >
        Cancel
      </button>
    </div>
  );
}

const tones = {
  danger: {
    open: "rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50",
    group: "border-red-200 bg-red-50",
    text: "text-red-800",
    confirm: "bg-red-600 hover:bg-red-700",
  },
  neutral: {
    open: "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50",
    group: "border-slate-200 bg-slate-50",
    text: "text-slate-700",
    confirm: "bg-brand-600 hover:bg-brand-700",
  },
} as const;
