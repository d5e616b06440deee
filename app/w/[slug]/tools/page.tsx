import { SectionPlaceholder, sectionMetadata } from "../../../_components/section-placeholder";

export const metadata = sectionMetadata("tools");

export default function ToolsPage() {
  return <SectionPlaceholder id="tools" />;
}
