import { UsageSettings } from "./usage-settings";

export const metadata = { title: "Usage" };

export default function UsagePage() {
  return <UsageSettings />;
}
