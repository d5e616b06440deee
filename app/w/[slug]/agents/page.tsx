import { SectionPlaceholder, sectionMetadata } from "../../../_components/section-placeholder";

export const metadata = sectionMetadata("agents");

export default function AgentsPage() {
  return <SectionPlaceholder id="agents" />;
}
