import { PageHeader } from "../../../_components/page-header";
import { sectionMetadata } from "../../../_components/section-placeholder";
import { sections } from "../../../_components/sections";
import { SystemHealth } from "./system-health";
import { QueueProbe } from "./queue-probe";

export const metadata = sectionMetadata("system");

export default function SystemPage() {
  return (
    <>
      <PageHeader title={sections.system.label} description={sections.system.description} />
      <SystemHealth />
      <QueueProbe />
    </>
  );
}
