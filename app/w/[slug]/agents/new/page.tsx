import { TemplateGallery } from "./template-gallery";

export const metadata = { title: "New agent" };

export default function NewAgentPage() {
  return <TemplateGallery />;
}
