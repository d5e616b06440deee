import type { ReactNode } from "react";
import { PageHeader } from "../../../_components/page-header";
import { sections } from "../../../_components/sections";
import { SettingsNav } from "./settings-nav";

export const metadata = { title: "Settings" };

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader title={sections.settings.label} description={sections.settings.description} />
      <SettingsNav />
      <div className="mt-6">{children}</div>
    </>
  );
}
