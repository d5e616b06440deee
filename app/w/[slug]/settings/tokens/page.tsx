import { TokensSettings } from "./tokens-settings";

export const metadata = { title: "API tokens" };

export default function TokensPage() {
  return <TokensSettings />;
}
