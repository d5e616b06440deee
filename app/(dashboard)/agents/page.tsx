import type { Metadata } from "next";
import { EmptyState, PageHeader } from "../../_components/page-header";

export const metadata: Metadata = { title: "Agents" };

export default function AgentsPage() {
  return (
    <>
      <PageHeader title="Agents" description="Agents are TOML documents: a name, capabilities, and an LLM or a tool that does the work." />
      <EmptyState title="No agents yet">Agent definitions, templates and the editor are not built yet. They come next on the roadmap.</EmptyState>
    </>
  );
}
