"use client";

import dynamic from "next/dynamic";

/** The TOML editor, loaded in the browser only: CodeMirror needs the DOM and stays out of the first bundle. */
export const LazyTomlEditor = dynamic(() => import("./toml-editor").then((m) => m.TomlEditor), {
  ssr: false,
  loading: () => (
    <p role="status" className="rounded-md border border-slate-200 bg-slate-50 px-3 py-6 text-sm text-slate-500">
      Loading editor…
    </p>
  ),
});
