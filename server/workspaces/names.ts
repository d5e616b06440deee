/**
 * The name a new user's personal workspace is proposed under (onboarding shows it, and lets
 * them change it): "Ada's workspace" for a person, "My workspace" when what we know is no
 * person's name. The local operator is an account of the install, not a person, and its
 * stored name ("Local operator") would give "Local's workspace"; a hostname would put a
 * container id or a machine's name into every URL. "My workspace" reads right to whoever
 * signs in, and is the same on every install.
 */
export const FALLBACK_WORKSPACE_NAME = "My workspace";

// Words that name a role, a system or a mailbox rather than a person.
const NOT_A_NAME = new Set([
  "admin",
  "administrator",
  "bot",
  "contact",
  "default",
  "dev",
  "developer",
  "guest",
  "hello",
  "info",
  "local",
  "localhost",
  "me",
  "my",
  "no-reply",
  "noreply",
  "operator",
  "owner",
  "root",
  "service",
  "support",
  "system",
  "team",
  "test",
  "user",
  "workspace",
]);

/** The first word of a name, if it can stand for a person: has a letter, is not a role word, is not long. */
function personWord(word: string | undefined): string | undefined {
  if (!word || word.length > 32 || !/\p{L}/u.test(word)) return undefined;
  return NOT_A_NAME.has(word.toLowerCase()) ? undefined : word;
}

export function personalWorkspaceName(user: { name: string | null; email: string | null; isOperator?: boolean }): string {
  if (user.isOperator) return FALLBACK_WORKSPACE_NAME;
  const name = user.name?.trim();
  // A name that is an address is read as one: `ada@example.com` is Ada.
  const fromName = name && !name.includes("@") ? personWord(name.split(/\s+/)[0]) : undefined;
  const local = (name?.includes("@") ? name : user.email)?.split("@")[0];
  const fromEmail = personWord(local?.split(/[._+-]/)[0]);
  const first = fromName ?? (fromEmail ? fromEmail[0]!.toUpperCase() + fromEmail.slice(1) : undefined);
  return first ? `${first}'s workspace` : FALLBACK_WORKSPACE_NAME;
}
