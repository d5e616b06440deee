import { GeneralSettings } from "./general-settings";

export default function SettingsPage() {
  return <GeneralSettings />;
}
