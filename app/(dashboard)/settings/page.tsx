import { SectionPlaceholder, sectionMetadata } from "../../_components/section-placeholder";

export const metadata = sectionMetadata("settings");

export default function SettingsPage() {
  return <SectionPlaceholder id="settings" />;
}
