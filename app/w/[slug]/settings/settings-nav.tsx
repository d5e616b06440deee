"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useWorkspace } from "../../../_components/workspace-context";

const tabs = [
  { path: "", label: "General", permission: "workspace.view" },
  { path: "/members", label: "Members", permission: "members.view" },
  { path: "/tokens", label: "API tokens", permission: "tokens.view" },
  { path: "/secrets", label: "Secrets", permission: "secrets.write" },
  { path: "/audit", label: "Audit log", permission: "audit.view" },
  { path: "/usage", label: "Usage", permission: "quotas.view" },
];

export function SettingsNav() {
  const workspace = useWorkspace();
  const pathname = usePathname();
  const base = `/w/${workspace.slug}/settings`;
  return (
    <nav aria-label="Settings" className="flex gap-1 overflow-x-auto border-b border-slate-200">
      {tabs
        .filter((t) => workspace.can(t.permission))
        .map((t) => {
          const href = `${base}${t.path}`;
          const active = pathname === href;
          return (
            <Link
              key={t.path}
              href={href}
              aria-current={active ? "page" : undefined}
              className={`whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
            >
              {t.label}
            </Link>
          );
        })}
    </nav>
  );
}
