import type { Metadata } from "next";
import { EmptyState, PageHeader } from "../../_components/page-header";

export const metadata: Metadata = { title: "Conversations" };

export default function ConversationsPage() {
  return (
    <>
      <PageHeader title="Conversations" description="Messages between agents, grouped by conversation, live." />
      <EmptyState title="No conversations yet">Conversations appear here once agents exchange messages.</EmptyState>
    </>
  );
}
