import { SecretsSettings } from "./secrets-settings";

export const metadata = { title: "Secrets" };

export default function SecretsPage() {
  return <SecretsSettings />;
}
