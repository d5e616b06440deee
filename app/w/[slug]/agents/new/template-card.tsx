"use client";

import { useState } from "react";
import { ErrorNote } from "../../../../_components/error-note";
import { LazyTomlEditor } from "../../../../_components/lazy-toml-editor";
import { TemplateParamForm, type TemplateParamView } from "./template-param-form";

export interface TemplateView {
  id: string;
  title: string;
  description: string;
  params: TemplateParamView[];
  preview: string;
}

export function TemplateCard({
  template,
  canCreate,
  pending,
  error,
  onCreate,
}: {
  template: TemplateView;
  canCreate: boolean;
  pending: boolean;
  error: { message: string; data?: unknown } | null;
  onCreate: (params: Record<string, string>) => void;
}) {
  const [previewOpen, setPreviewOpen] = useState(false);
  const [using, setUsing] = useState(false);
  return (
    <article
      aria-labelledby={`template-${template.id}`}
      data-testid="template-card"
      className="flex min-w-0 flex-col rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id={`template-${template.id}`} className="font-semibold">
        {template.title}
      </h2>
      <p className="mt-1 flex-1 text-sm text-slate-600">{template.description}</p>
      <details className="mt-3 text-sm" onToggle={(e) => setPreviewOpen(e.currentTarget.open)}>
        <summary className="cursor-pointer font-medium text-slate-700">Preview the document</summary>
        {/* Mounted only when opened: a gallery of closed cards loads no editor. */}
        {previewOpen ? (
          <div className="mt-2">
            <LazyTomlEditor value={template.preview} label={`${template.title} template source`} readOnly maxHeight="20rem" />
          </div>
        ) : null}
      </details>
      {canCreate && !using ? (
        <button
          type="button"
          onClick={() => setUsing(true)}
          className="mt-4 self-start rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
        >
          Use template
        </button>
      ) : null}
      {using ? (
        <TemplateParamForm
          templateId={template.id}
          params={template.params}
          pending={pending}
          onSubmit={onCreate}
          onCancel={() => setUsing(false)}
        />
      ) : null}
      {using ? <ErrorNote error={error} /> : null}
    </article>
  );
}
