import type { Metadata } from "next";
import { PageHeader } from "../../_components/page-header";
import { SystemHealth } from "./system-health";
import { QueueProbe } from "./queue-probe";

export const metadata: Metadata = { title: "System" };

export default function SystemPage() {
  return (
    <>
      <PageHeader title="System" description="Live health of this Caxton install, refreshed every two seconds." />
      <SystemHealth />
      <QueueProbe />
    </>
  );
}
