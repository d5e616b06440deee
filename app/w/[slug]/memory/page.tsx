import { SectionPlaceholder, sectionMetadata } from "../../../_components/section-placeholder";

export const metadata = sectionMetadata("memory");

export default function MemoryPage() {
  return <SectionPlaceholder id="memory" />;
}
