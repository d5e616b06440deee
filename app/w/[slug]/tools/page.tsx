import { sectionMetadata } from "../../../_components/section-placeholder";
import { ToolList } from "./tool-list";

export const metadata = sectionMetadata("tools");

export default function ToolsPage() {
  return <ToolList />;
}
