import { MembersSettings } from "./members-settings";

export const metadata = { title: "Members" };

export default function MembersPage() {
  return <MembersSettings />;
}
