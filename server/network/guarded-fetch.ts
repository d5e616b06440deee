import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";
import { getConfig } from "../config/load";
import { checkConnection, METADATA_HOSTS, NetworkPolicyError, parseAllowRule, type NetworkPolicy } from "./policy";

/**
 * fetch for URLs a tenant chose (provider base_url, a tool's caxton_http), under the network
 * policy. The check sits in the connector, which every connection of this dispatcher goes
 * through (a redirect's next hop too): the name is resolved here, every address it has is
 * checked, and the socket is opened to the checked address itself. Nothing resolves the name a
 * second time, so DNS rebinding cannot swap the address between the check and the connect.
 * TLS still verifies the certificate against the name in the URL.
 */

export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** The address a connection to `hostname:port` may go to; throws NetworkPolicyError when none may. */
export async function checkedAddress(
  policy: NetworkPolicy,
  hostname: string,
  port: number,
  resolve: Resolve = systemResolve,
): Promise<string> {
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  // Metadata names resolve only inside their cloud: refused by name, before any lookup.
  if (!isIP(host) && METADATA_HOSTS.includes(host.toLowerCase())) checkConnection(policy, host, "169.254.169.254", port);
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
  if (!addresses.length) throw new Error(`${host} has no address`);
  // Every address, not only the first: a name answering with a public and a private address is refused.
  for (const { address } of addresses) checkConnection(policy, host, address, port);
  return addresses[0]!.address;
}

export function guardedDispatcher(policy: NetworkPolicy, resolve: Resolve = systemResolve): Agent {
  const connect = buildConnector({});
  return new Agent({
    connect(options, callback) {
      const port = Number(options.port) || (options.protocol === "https:" ? 443 : 80);
      checkedAddress(policy, options.hostname, port, resolve).then(
        (address) =>
          connect(
            { ...options, hostname: address, servername: options.servername ?? (isIP(options.hostname) ? undefined : options.hostname) },
            callback,
          ),
        (error: Error) => callback(error, null),
      );
    },
  });
}

export type GuardedFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export function createGuardedFetch(policy: NetworkPolicy, resolve?: Resolve): GuardedFetch {
  const dispatcher = guardedDispatcher(policy, resolve);
  // undici's own fetch with its own dispatcher (Node's global fetch bundles another copy of
  // undici); the answer is the same WHATWG Response.
  return async (url, init) =>
    (await undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as Response;
}

/** The instance's policy, from the configuration (network.allow, network.deny_private). */
export function configuredPolicy(): NetworkPolicy {
  const config = getConfig();
  return { denyPrivate: config.networkDenyPrivate, allow: config.networkAllow.map(parseAllowRule) };
}

let configured: { for: object; fetch: GuardedFetch } | null = null;

/** fetch under the instance's network policy: what providers and caxton_http use. */
export const guardedFetch: GuardedFetch = (url, init) => {
  const config = getConfig();
  if (configured?.for !== config) configured = { for: config, fetch: createGuardedFetch(configuredPolicy()) };
  return configured.fetch(url, init);
};

/** The policy's refusal inside a failed fetch (fetch wraps it as `cause`), or null. */
export function policyRefusal(error: unknown): NetworkPolicyError | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof NetworkPolicyError) return e;
  return null;
}
