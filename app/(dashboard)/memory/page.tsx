import type { Metadata } from "next";
import { EmptyState, PageHeader } from "../../_components/page-header";

export const metadata: Metadata = { title: "Memory" };

export default function MemoryPage() {
  return (
    <>
      <PageHeader title="Memory" description="Long-term memory for agents, searchable by meaning." />
      <EmptyState title="No memories yet">Agent memory in Postgres with pgvector is not built yet.</EmptyState>
    </>
  );
}
