import type { Metadata } from "next";
import { EmptyState, PageHeader } from "../../_components/page-header";

export const metadata: Metadata = { title: "Tools" };

export default function ToolsPage() {
  return (
    <>
      <PageHeader title="Tools" description="Sandboxed WebAssembly and JavaScript tools your agents can call." />
      <EmptyState title="No tools yet">The tool registry and its sandboxes are not built yet.</EmptyState>
    </>
  );
}
