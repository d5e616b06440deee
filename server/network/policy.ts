import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * The operator's network policy for connections tenants choose the target of (a tool's
 * `caxton_http`, an agent's `[llm] base_url`): by default none may reach this machine or its
 * network (loopback, private, link-local, CGNAT, unspecified, multicast, reserved) or a cloud
 * metadata service, unless the operator lists an exception. Decided on the address a
 * connection actually goes to (guarded-fetch.ts resolves the name and connects to what was
 * checked), so a name that resolves to 127.0.0.1, a redirect or DNS rebinding gets no further.
 */

export interface AllowRule {
  /** As the operator wrote it, for messages. */
  text: string;
  /** An address range, or a host name as written in URLs (lowercase). */
  range?: [ipaddr.IPv4 | ipaddr.IPv6, number];
  host?: string;
  /** Any port when absent. */
  port?: number;
}

export interface NetworkPolicy {
  /** false: private ranges and loopback are allowed; cloud metadata stays refused unless listed. */
  denyPrivate: boolean;
  allow: AllowRule[];
}

type Category = "loopback" | "private" | "link-local" | "CGNAT" | "unspecified" | "multicast" | "reserved" | "cloud metadata";

const cidr = (text: string) => ipaddr.parseCIDR(text);

/** Cloud metadata services: AWS/GCP/Azure/OpenStack, AWS ECS and IPv6, Alibaba. */
const METADATA = [cidr("169.254.169.254/32"), cidr("169.254.170.2/32"), cidr("fd00:ec2::254/128"), cidr("100.100.100.200/32")];
export const METADATA_HOSTS = ["metadata.google.internal", "metadata.goog", "metadata.azure.internal"];

const RANGES: [Category, [ipaddr.IPv4 | ipaddr.IPv6, number]][] = [
  ["unspecified", cidr("0.0.0.0/8")],
  ["loopback", cidr("127.0.0.0/8")],
  ["private", cidr("10.0.0.0/8")],
  ["private", cidr("172.16.0.0/12")],
  ["private", cidr("192.168.0.0/16")],
  ["CGNAT", cidr("100.64.0.0/10")],
  ["link-local", cidr("169.254.0.0/16")],
  ["reserved", cidr("192.0.0.0/24")],
  ["reserved", cidr("198.18.0.0/15")],
  ["multicast", cidr("224.0.0.0/4")],
  ["reserved", cidr("240.0.0.0/4")],
  ["unspecified", cidr("::/128")],
  ["loopback", cidr("::1/128")],
  // IPv4-compatible addresses (deprecated): nothing legitimate lives there.
  ["reserved", cidr("::/96")],
  ["private", cidr("fc00::/7")],
  ["link-local", cidr("fe80::/10")],
  ["reserved", cidr("fec0::/10")],
  ["multicast", cidr("ff00::/8")],
];

/** An IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4), checked as itself. */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  if (address.isIPv4MappedAddress()) return address.toIPv4Address();
  const parts = address.parts;
  const fromWords = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  if (address.match(cidr("64:ff9b::/96") as [ipaddr.IPv6, number])) return fromWords(parts[6]!, parts[7]!);
  if (address.match(cidr("2002::/16") as [ipaddr.IPv6, number])) return fromWords(parts[1]!, parts[2]!);
  return null;
}

const inRange = (address: ipaddr.IPv4 | ipaddr.IPv6, [base, bits]: [ipaddr.IPv4 | ipaddr.IPv6, number]) =>
  address.kind() === base.kind() && address.match(base, bits);

/** Why an address is off limits by default, or null for an ordinary public address. */
export function categoryOf(ip: string): Category | null {
  let address: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(ip);
  if (address.kind() === "ipv6") address = embeddedIpv4(address as ipaddr.IPv6) ?? address;
  if (METADATA.some((range) => inRange(address, range))) return "cloud metadata";
  return RANGES.find(([, range]) => inRange(address, range))?.[0] ?? null;
}

const bare = (host: string) => host.replace(/^\[(.*)\]$/, "$1").toLowerCase();

/**
 * One exception: `127.0.0.1:11434`, `127.0.0.1`, `10.0.0.0/8`, `10.0.0.0/8:8080`, `[::1]:11434`,
 * `fc00::/7`, `ollama:11434`, `ollama.internal`. Throws with what is wrong.
 */
export function parseAllowRule(text: string): AllowRule {
  const rule = text.trim();
  let host = rule;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](\/\d+)?(?::([^:]*))?$/.exec(rule);
  if (bracketed) [host, portText] = [`${bracketed[1]}${bracketed[2] ?? ""}`, bracketed[3]];
  else if ((rule.match(/:/g) ?? []).length === 1) [host, portText] = [rule.slice(0, rule.indexOf(":")), rule.slice(rule.indexOf(":") + 1)];
  const shape = `"${text}" is not host[:port], address[:port] or CIDR[:port] (an IPv6 address with a port goes in brackets: [::1]:11434)`;
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535)
      throw new Error(`${shape}: port "${portText}" is not a number from 1 to 65535`);
  }
  const [address, bits, extra] = host.split("/");
  if (extra !== undefined || address === undefined || address === "") throw new Error(shape);
  if (isIP(address)) {
    const parsed = ipaddr.parse(address);
    const max = parsed.kind() === "ipv4" ? 32 : 128;
    const length = bits === undefined ? max : Number(bits);
    if (bits !== undefined && (!/^\d{1,3}$/.test(bits) || length > max))
      throw new Error(`${shape}: /${bits} is not a prefix length from 0 to ${max}`);
    return { text: rule, range: [parsed, length], ...(port !== undefined ? { port } : {}) };
  }
  if (bits !== undefined || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(address)) throw new Error(shape);
  return { text: rule, host: address.toLowerCase(), ...(port !== undefined ? { port } : {}) };
}

/** What is wrong with a rule, or null (for the configuration's validation). */
export function allowRuleProblem(text: string): string | null {
  try {
    parseAllowRule(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function allowedBy(policy: NetworkPolicy, host: string, address: ipaddr.IPv4 | ipaddr.IPv6 | null, port: number): AllowRule | undefined {
  return policy.allow.find(
    (rule) =>
      (rule.port === undefined || rule.port === port) &&
      (rule.host ? rule.host === host : address !== null && rule.range !== undefined && inRange(address, rule.range)),
  );
}

export class NetworkPolicyError extends Error {
  readonly code = "ERR_NETWORK_POLICY";
  constructor(message: string) {
    super(message);
    this.name = "NetworkPolicyError";
  }
}

const shown = (ip: string, port: number) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);

/**
 * Throws NetworkPolicyError when `host` (as in the URL) at `ip` (what it resolved to) on
 * `port` is refused. The message says what an operator would set to allow it.
 */
export function checkConnection(policy: NetworkPolicy, host: string, ip: string, port: number): void {
  const name = bare(host);
  let address: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(ip);
  if (address.kind() === "ipv6") address = embeddedIpv4(address as ipaddr.IPv6) ?? address;
  if (allowedBy(policy, name, address, port)) return;
  const category = METADATA_HOSTS.includes(name) ? "cloud metadata" : categoryOf(ip);
  if (category === null || (!policy.denyPrivate && category !== "cloud metadata")) return;
  const target = shown(address.toString(), port);
  const via = name !== bare(ip) && name !== address.toString() ? ` (${name} resolves to it)` : "";
  throw new NetworkPolicyError(
    `connection to ${target}${via} refused by the network policy (${category}); an operator can allow it with CAXTON_NETWORK_ALLOW=${target} (caxton.toml: network.allow)`,
  );
}
