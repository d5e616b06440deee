import type { Metadata } from "next";
import { EmptyState, PageHeader } from "../../_components/page-header";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Workspace, members, API tokens and quotas." />
      <EmptyState title="Nothing to configure yet">Workspaces, members and API tokens arrive with sign-in.</EmptyState>
    </>
  );
}
