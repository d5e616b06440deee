import { sectionMetadata } from "../../../_components/section-placeholder";
import { AgentList } from "./agent-list";

export const metadata = sectionMetadata("agents");

export default function AgentsPage() {
  return <AgentList />;
}
