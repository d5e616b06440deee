import { scopes, type Scope } from "../server/auth/permissions";
import { suggest } from "../server/lib/suggest";
import { SLUG_PATTERN } from "../server/workspaces/slug";
import { splitList } from "./args";
import { usageError } from "./errors";

/**
 * Checks of what the user typed, before anything is sent, so a typo answers at once with
 * exit 2 and a hint instead of a round trip and a 400.
 */

/** Same as TOKEN_PATTERN in server/auth/actor.ts (not imported: that module loads Prisma); a test keeps them equal. */
export const TOKEN_PATTERN = /^cx_[A-Za-z0-9_-]{32}$/;

export function checkToken(raw: string, where: string): string {
  const token = raw.trim();
  if (!TOKEN_PATTERN.test(token)) {
    throw usageError(
      `${where} is not a Caxton API token: tokens are "cx_" followed by 32 letters, digits, "-" or "_".`,
      "Copy the whole token again (it is shown once, when it is created), or create a new one.",
    );
  }
  return token;
}

/** The server's base address, normalised without a trailing slash. */
export function parseServerUrl(raw: string, where: string): string {
  const example = "e.g. http://localhost:8080";
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw usageError(`${where} "${raw}" is not a valid URL.`, `Give the address of your Caxton server, ${example}.`);
  }
  // "localhost:8080" parses as a URL whose scheme is "localhost:".
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`${where} "${raw}" is not an http:// or https:// address.`, `Include the scheme, ${example}.`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw usageError(
      `${where} "${raw}" must not carry a query, a fragment or credentials.`,
      `Give only the server's base address, ${example}.`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

export const validScopesHint = `Valid scopes: ${scopes.join(", ")}.`;

export function parseScopes(raw: string): Scope[] {
  const valid = validScopesHint;
  const wanted = splitList(raw);
  if (wanted.length === 0) throw usageError("--scopes needs at least one scope.", valid);
  for (const scope of wanted) {
    if (!(scopes as readonly string[]).includes(scope)) {
      const [closest] = suggest(scope, scopes);
      throw usageError(`Unknown scope "${scope}".`, `${closest ? `Did you mean "${closest}"? ` : ""}${valid}`);
    }
  }
  return wanted as Scope[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 date (midnight UTC) or date and time (local time without an offset), in the future. */
export function parseExpiry(raw: string, now = new Date()): Date {
  const hint = "Use an ISO 8601 date such as 2027-01-31 or 2027-01-31T18:00:00Z.";
  const match = ISO_DATE.exec(raw.trim());
  const [, year, month, day, hour = "0", minute = "0", second = "0"] = match ?? [];
  // Date.parse rolls 2027-02-31 over to March 3rd: check the calendar day exists.
  const calendar = match ? new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))) : undefined;
  const date = new Date(raw.trim());
  if (
    !calendar ||
    calendar.getUTCMonth() !== Number(month) - 1 ||
    calendar.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59 ||
    Number.isNaN(date.getTime())
  ) {
    throw usageError(`--expires "${raw}" is not a valid date.`, hint);
  }
  if (date.getTime() <= now.getTime()) throw usageError(`--expires ${raw} is in the past: the expiry must be in the future.`, hint);
  return date;
}

export function checkEmail(raw: string): string {
  const email = raw.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw usageError(`--email "${raw}" is not an email address.`, "Give the owner's address, e.g. --email ada@example.com.");
  return email;
}

export function checkSlug(raw: string): string {
  const slug = raw.trim();
  if (!SLUG_PATTERN.test(slug)) {
    throw usageError(
      `--workspace "${raw}" is not a valid workspace slug.`,
      "Use 1-40 lowercase letters, digits and dashes, not starting or ending with a dash (e.g. acme).",
    );
  }
  return slug;
}
