import { AgentEditPage } from "./agent-edit-page";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `Edit ${decodeURIComponent((await params).name)}` };
}

export default async function EditAgentPage({ params }: { params: Promise<{ name: string }> }) {
  return <AgentEditPage name={decodeURIComponent((await params).name)} />;
}
