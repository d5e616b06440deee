"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ErrorNote } from "../../../_components/error-note";
import { useTRPC } from "../../../_components/trpc";
import { useWorkspace } from "../../../_components/workspace-context";
import { uploadProblemLines } from "./upload-problems";

/** Bytes → base64 in chunks: spreading 4 MiB into one String.fromCharCode call overflows the stack. */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const fileInput =
  "mt-1 block w-full min-w-0 text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1 file:text-sm file:font-medium";

/** Upload a tool from two files, read here in the browser: the manifest and the module. */
export function UploadForm({ onClose }: { onClose: () => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [manifestFile, setManifestFile] = useState<File | null>(null);
  const [moduleFile, setModuleFile] = useState<File | null>(null);
  const upload = useMutation(
    trpc.tools.upload.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.tools.pathKey() }) }),
  );
  const problems = uploadProblemLines(upload.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!manifestFile || !moduleFile) return;
    const [manifest, module] = await Promise.all([manifestFile.text(), moduleFile.arrayBuffer()]);
    upload.mutate({
      workspace: workspace.slug,
      manifest,
      format: manifestFile.name.toLowerCase().endsWith(".json") ? "json" : "toml",
      module: toBase64(new Uint8Array(module)),
    });
  }

  const done = upload.data;
  return (
    <section aria-labelledby="upload-tool" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="upload-tool" className="font-semibold">
        Upload a tool
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        A manifest (<code className="font-mono">manifest.toml</code> or <code className="font-mono">.json</code>) and its module (
        <code className="font-mono">.wasm</code> or <code className="font-mono">.js</code>). Uploading a tool that exists adds a version and
        makes it active. Nothing runs until someone runs it.
      </p>
      <form onSubmit={(e) => void submit(e)} className="mt-3 grid gap-3 sm:grid-cols-2">
        <label className="block min-w-0 text-sm font-medium">
          Manifest file
          <input
            type="file"
            accept=".toml,.json"
            required
            onChange={(e) => {
              setManifestFile(e.target.files?.[0] ?? null);
              upload.reset();
            }}
            className={fileInput}
          />
        </label>
        <label className="block min-w-0 text-sm font-medium">
          Module file
          <input
            type="file"
            accept=".wasm,.js"
            required
            onChange={(e) => {
              setModuleFile(e.target.files?.[0] ?? null);
              upload.reset();
            }}
            className={fileInput}
          />
        </label>
        <div className="flex flex-wrap gap-2 sm:col-span-2">
          <button
            type="submit"
            disabled={!manifestFile || !moduleFile || upload.isPending}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
          >
            {upload.isPending ? "Uploading…" : "Upload"}
          </button>
          <button type="button" onClick={onClose} className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50">
            Close
          </button>
        </div>
      </form>
      <ErrorNote error={upload.error} />
      {problems.length ? (
        <ul
          aria-label="Upload problems"
          data-testid="upload-problems"
          className="mt-2 divide-y divide-slate-100 rounded-md border border-red-200 bg-white text-sm"
        >
          {problems.map((p, index) => (
            <li key={index} data-testid="upload-problem" className="flex flex-wrap gap-x-2 px-3 py-1.5">
              <span className="shrink-0 font-mono text-xs leading-5 text-red-700">{p.where}</span>
              <span className="min-w-0 break-words">{p.message}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {done ? (
        <div
          role="status"
          data-testid="upload-outcome"
          className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          <p>
            {outcomeText[done.outcome]} <strong>{done.tool.name}</strong> v{done.version.number} ({done.version.semver}).{" "}
            <Link href={`/w/${workspace.slug}/tools/${done.tool.name}`} className="font-medium text-brand-700 underline">
              Open {done.tool.name}
            </Link>
          </p>
          {done.warnings.map((w, index) => (
            <p key={index} className="mt-1 text-amber-800">
              <span className="font-mono text-xs">
                manifest {w.line}:{w.column}
              </span>{" "}
              {w.message}
            </p>
          ))}
        </div>
      ) : null}
    </section>
  );
}

const outcomeText = {
  created: "Created",
  updated: "Uploaded a new version of",
  unchanged: "Nothing changed:",
  reactivated: "Reactivated",
} as const;
