"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorNote } from "./error-note";
import { useTRPC } from "./trpc";

interface Item {
  slug: string;
  name: string;
  role: string;
}

/** Lists the user's workspaces and creates new ones. */
export function WorkspaceSwitcher({ current, workspaces }: { current: Item; workspaces: Item[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.workspaces.create.mutationOptions({
      onSuccess: (workspace) => {
        setOpen(false);
        setName("");
        router.push(`/w/${workspace.slug}`);
        router.refresh();
      },
    }),
  );
  return (
    <div className="relative">
      <button
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label="Switch workspace"
        onClick={() => setOpen(!open)}
        className="flex w-full items-center justify-between gap-2 rounded-md border border-slate-200 px-3 py-2 text-left text-sm hover:bg-slate-50"
      >
        <span className="truncate font-medium" data-testid="current-workspace">
          {current.name}
        </span>
        <span aria-hidden="true" className="text-slate-400">
          ▾
        </span>
      </button>
      {open ? (
        <div className="absolute z-20 mt-1 w-64 rounded-md border border-slate-200 bg-white p-1 shadow-lg">
          <ul>
            {workspaces.map((w) => (
              <li key={w.slug}>
                <Link
                  href={`/w/${w.slug}`}
                  onClick={() => setOpen(false)}
                  className={`flex justify-between rounded px-3 py-2 text-sm hover:bg-slate-100 ${w.slug === current.slug ? "font-semibold" : ""}`}
                >
                  <span className="truncate">{w.name}</span>
                  <span className="text-xs text-slate-500">{w.role}</span>
                </Link>
              </li>
            ))}
          </ul>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate({ name });
            }}
            className="mt-1 border-t border-slate-100 p-2"
          >
            <label className="block text-xs font-medium text-slate-600">
              New workspace
              <input
                value={name}
                onChange={(e) => setName(e.target.value)}
                required
                maxLength={80}
                placeholder="Name"
                className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 text-sm font-normal"
              />
            </label>
            <button
              type="submit"
              disabled={create.isPending}
              className="mt-2 w-full rounded bg-brand-600 px-2 py-1 text-sm font-medium text-white disabled:opacity-50"
            >
              Create workspace
            </button>
            <ErrorNote error={create.error} />
          </form>
        </div>
      ) : null}
    </div>
  );
}
