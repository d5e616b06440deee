import type { Metadata } from "next";
import { EmptyState, PageHeader } from "../../_components/page-header";

export const metadata: Metadata = { title: "Marketplace" };

export default function MarketplacePage() {
  return (
    <>
      <PageHeader title="Marketplace" description="Templates and tools shared between workspaces." />
      <EmptyState title="Nothing shared yet">The marketplace opens once agents and tools exist.</EmptyState>
    </>
  );
}
