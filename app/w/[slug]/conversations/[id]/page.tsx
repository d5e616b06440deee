import { ConversationView } from "./conversation-view";

export const metadata = { title: "Conversation" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  return <ConversationView id={decodeURIComponent((await params).id)} />;
}
