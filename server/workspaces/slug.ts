import { randomBytes } from "node:crypto";

/** Workspace slugs: what URLs carry (`/w/<slug>/...`). */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    // An apostrophe joins, it does not separate: "Ada's" is `adas`, not `ada-s`.
    .replace(/['\u2018\u2019\u02bc`]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/g, "");
  return base || "workspace";
}

/** The slug, or the slug with a short random suffix when it is taken. */
export async function uniqueSlug(wanted: string, isTaken: (slug: string) => Promise<boolean>): Promise<string> {
  if (!(await isTaken(wanted))) return wanted;
  for (let i = 0; i < 5; i++) {
    const candidate = `${wanted.slice(0, 32)}-${randomBytes(3).toString("hex")}`;
    if (!(await isTaken(candidate))) return candidate;
  }
  throw new Error("could not find a free workspace slug");
}
