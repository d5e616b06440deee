import Link from "next/link";
import { PageHeader } from "../../../../../_components/page-header";
import { AgentEditor } from "../../agent-editor";

export const metadata = { title: "New agent" };

// The least an LLM agent needs; the mock provider answers offline.
const skeleton = `name = "my-agent"
version = "0.1.0"
description = "What this agent does, in one sentence."
capabilities = ["answer"]
system_prompt = """
You answer questions briefly and plainly.
"""

[llm]
provider = "mock"
model = "scripted"
`;

export default async function BlankAgentPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <>
      <Link href={`/w/${slug}/agents/new`} className="text-sm text-slate-600 hover:text-slate-900">
        ← Templates
      </Link>
      <PageHeader
        title="New agent"
        description="Write the agent's TOML document. Problems show as you type; saving creates the agent at v1."
      />
      <AgentEditor initialSource={skeleton} />
    </>
  );
}
