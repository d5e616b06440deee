import { SectionPlaceholder, sectionMetadata } from "../../../_components/section-placeholder";

export const metadata = sectionMetadata("conversations");

export default function ConversationsPage() {
  return <SectionPlaceholder id="conversations" />;
}
