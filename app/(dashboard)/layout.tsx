import Link from "next/link";
import type { ReactNode } from "react";
import { AppNav } from "../_components/app-nav";
import { Logo } from "../_components/logo";

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="border-b border-slate-200 bg-white px-3 py-3 md:w-56 md:shrink-0 md:border-b-0 md:border-r md:py-5">
        <Link href="/" className="mb-3 flex items-center gap-2 px-3 font-semibold md:mb-6">
          <Logo className="h-6 w-6" /> Caxton
        </Link>
        <AppNav />
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 sm:px-8 sm:py-8">{children}</main>
    </div>
  );
}
