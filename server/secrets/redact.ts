/**
 * The one scrubber for text that leaves toward a person: stored messages (content, reason,
 * trace), live events, log lines, API error answers and provider errors. It removes the
 * secret values it is given (a workspace's decrypted secrets), echoes of them that vendors
 * print (`sk-abc1****wxyz` masks, long truncations), and anything shaped like a credential
 * even when no secret of ours matches (vendor key prefixes, our own `cx_` tokens, Bearer
 * headers, AWS and GitHub keys, `password=...` pairs, URL passwords, private key blocks).
 *
 * Pure: no database, no Redis. The workspace's values come from server/secrets/values.ts.
 */

export const REDACTED = "[redacted]";

/** Shorter values are not credentials worth the name, and scrubbing them would eat ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * A piece of text counts as a truncated echo of a secret only from this many characters on.
 * Lower would turn the scrubber into an oracle: a member who may not read a secret could send
 * guesses through an echoing agent and watch which ones come back redacted, a character at a
 * time. 24 characters leave at least 11 unknown ones even after a vendor's public prefix
 * (`sk-ant-api03-`), far beyond guessing.
 */
const MIN_ECHO_LENGTH = 24;

export interface Redactor {
  text(value: string): string;
  /** A JSON-like value with every string scrubbed, and string values of secret-looking keys hidden. */
  json<T>(value: T): T;
}

const SECRETISH_KEY =
  /(apikey|secret|token|password|passwd|pwd|accesskey|privatekey|credential|credentials|authorization|signature|cookie|sessionid)$/;

/** `OPENAI_API_KEY`, `api_key`, `x-api-key`, `accessToken`: a key whose value is a credential. */
export function secretishKey(key: string): boolean {
  return SECRETISH_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

/**
 * Whether the value of such a key is itself a credential: long enough, not a placeholder,
 * not a secret's *name* (`api_key_secret = "OPENAI_API_KEY"` names one, it does not hold one),
 * and mixed enough to look random.
 */
export function looksLikeSecretValue(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH || value.includes(REDACTED)) return false;
  if (/^[A-Z][A-Z0-9_]*$/.test(value) || /^[*x.•…-]+$/i.test(value) || /^(<.*>|\$\{.*\}|\{\{.*\}\})$/.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
  return classes >= 2 || value.length >= 20;
}

const MASK = String.raw`(?:\*{3,}|•{3,}|\.{3,}|…)`;

/** Credentials by their shape alone. Each replaces the whole match, or keeps a label ($1). */
const SHAPES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // A masked or whole key with a vendor's or our own prefix: OpenAI / Anthropic / OpenRouter
  // `sk-`, Stripe, Caxton's `cx_` tokens, `cxo_` operator links, `cxi_` invitations.
  [new RegExp(String.raw`\b(?:sk|rk|pk)-[A-Za-z0-9_-]*${MASK}[A-Za-z0-9_-]*`, "g"), REDACTED],
  [/\b(?:sk|rk)-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\b[rsp]k_(?:live|test)_[A-Za-z0-9]{12,}/g, REDACTED],
  [/\bcx[oi]?_[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, REDACTED],
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{35}/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  // user:password@ in a URL keeps the user.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]+:)[^\s@/"'<>]+@/gi, `$1${REDACTED}@`],
];

/** `Bearer <token>`, `Basic <base64>`: the scheme stays, the credential goes. */
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/-]{8,}=*)/gi;

/** `api_key=...`, `"token": "..."`, `password: ...` (also inside JSON text, quotes escaped or not). */
const KEY_VALUE = /\b([A-Za-z][A-Za-z0-9_.-]*)(\\?["']?\s*[:=]\s*\\?["']?)([^\s"'\\&,;<>(){}[\]]{8,})/g;

/** Runs that could be (a piece of) a key; a mask in the middle is part of the run. */
const KEYLIKE_RUN = new RegExp(String.raw`[A-Za-z0-9_+/=-]*${MASK}[A-Za-z0-9_+/=-]*|[A-Za-z0-9_+/=.-]{${MIN_ECHO_LENGTH},}`, "g");
const MASK_IN_RUN = new RegExp(MASK);

function scrubShapes(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
  out = out.replace(AUTH_SCHEME, (whole, scheme: string, space: string, credential: string) =>
    looksLikeSecretValue(credential) ? `${scheme}${space}${REDACTED}` : whole,
  );
  return out.replace(KEY_VALUE, (whole, key: string, separator: string, value: string) =>
    secretishKey(key) && looksLikeSecretValue(value) ? `${key}${separator}${REDACTED}` : whole,
  );
}

/** The forms a value takes inside text: as it is, JSON-escaped, URL-encoded. */
function variantsOf(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
  try {
    forms.add(encodeURIComponent(value));
  } catch {
    // a lone surrogate cannot be URL-encoded, so it cannot appear that way either
  }
  return [...forms];
}

/** The longest end of `head` (at least `min` characters) that `value` starts with, or 0. */
function sharedPrefix(head: string, value: string, min: number): number {
  for (let i = 0; i + min <= head.length; i++) if (value.startsWith(head.slice(i))) return head.length - i;
  return 0;
}

function sharedSuffix(tail: string, value: string, min: number): number {
  for (let n = tail.length; n >= min; n--) if (value.endsWith(tail.slice(0, n))) return n;
  return 0;
}

/**
 * A vendor's echo of one of `values`: a masked form showing its first and last characters
 * (`sk-abc1****wxyz`, at least 3 + 4 of them), or a long enough piece of it.
 */
function isEcho(run: string, values: readonly string[]): boolean {
  const mask = MASK_IN_RUN.exec(run);
  if (mask) {
    const head = run.slice(0, mask.index);
    const tail = run.slice(mask.index + mask[0].length);
    return values.some((v) => sharedPrefix(head, v, 3) > 0 && sharedSuffix(tail, v, 4) > 0);
  }
  return values.some((v) => v.length >= MIN_ECHO_LENGTH && v.includes(run));
}

export function createRedactor(secretValues: Iterable<string>): Redactor {
  const values = [...new Set(secretValues)].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  const needles = [...new Set(values.flatMap(variantsOf))].sort((a, b) => b.length - a.length);

  const text = (input: string): string => {
    if (input.length < MIN_SECRET_LENGTH) return input;
    let out = input;
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    if (values.length) out = out.replace(KEYLIKE_RUN, (run) => (isEcho(run, values) ? REDACTED : run));
    return scrubShapes(out);
  };

  const json = <T>(input: T): T => walk(input) as T;
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      out[key] = typeof inner === "string" && secretishKey(key) && looksLikeSecretValue(inner) ? REDACTED : walk(inner);
    return out;
  };

  return { text, json };
}

/** Shapes only: for text with no workspace at hand. */
export const shapeRedactor: Redactor = createRedactor([]);

// Every secret value this process has opened, for the operator's sinks (log lines), which
// belong to no one workspace. Never used for a tenant's text: a value of another workspace
// redacted in yours would tell you it exists.
const MAX_REMEMBERED = 10_000;
const remembered = new Set<string>();
let operatorRedactor: Redactor | null = null;

export function rememberSecretValues(values: Iterable<string>): void {
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH || remembered.has(value)) continue;
    if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.values().next().value!);
    remembered.add(value);
    operatorRedactor = null;
  }
}

/** Shapes and every secret value this process has opened: for log lines. */
export function redactForOperator(text: string): string {
  operatorRedactor ??= createRedactor(remembered);
  return operatorRedactor.text(text);
}
