"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { sections, type SectionId } from "./sections";

export function AppNav({ slug }: { slug: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex gap-1 overflow-x-auto md:flex-col md:overflow-visible">
      {(Object.keys(sections) as SectionId[]).map((id) => {
        const href = `/w/${slug}/${id}`;
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={id}
            href={href}
            aria-current={active ? "page" : undefined}
            className={`whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium ${
              active ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            }`}
          >
            {sections[id].label}
          </Link>
        );
      })}
    </nav>
  );
}
