import type { Metadata } from "next";
import { EmptyState, PageHeader } from "./page-header";
import { sections, type SectionId } from "./sections";

export const sectionMetadata = (id: SectionId): Metadata => ({ title: sections[id].label });

/** A section that exists in the shell but has no content yet: says so plainly. */
export function SectionPlaceholder({ id }: { id: SectionId }) {
  const section = sections[id];
  return (
    <>
      <PageHeader title={section.label} description={section.description} />
      <EmptyState title={section.emptyTitle}>{section.emptyBody}</EmptyState>
    </>
  );
}
