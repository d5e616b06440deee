import { sectionMetadata } from "../../../_components/section-placeholder";
import { ConversationList } from "./conversation-list";

export const metadata = sectionMetadata("conversations");

export default function ConversationsPage() {
  return <ConversationList />;
}
