import { AgentDetail } from "./agent-detail";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: decodeURIComponent((await params).name) };
}

export default async function AgentPage({ params }: { params: Promise<{ name: string }> }) {
  return <AgentDetail name={decodeURIComponent((await params).name)} />;
}
