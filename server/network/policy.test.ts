import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/load";
import { createGuardedFetch, policyRefusal, type Resolve } from "./guarded-fetch";
import { allowRuleProblem, categoryOf, checkConnection, parseAllowRule, type NetworkPolicy } from "./policy";

const policy = (...allow: string[]): NetworkPolicy => ({ denyPrivate: true, allow: allow.map(parseAllowRule) });
const refusal = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe("the network policy's address classes", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["2002:7f00:1::", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["::ffff:192.168.1.1", "private"],
    ["64:ff9b::a00:1", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["100.64.0.1", "CGNAT"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["169.254.169.254", "cloud metadata"],
    ["::ffff:169.254.169.254", "cloud metadata"],
    ["fd00:ec2::254", "cloud metadata"],
    ["100.100.100.200", "cloud metadata"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
  ])("%s is %s", (ip, category) => expect(categoryOf(ip)).toBe(category));

  it.each(["8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("%s is public", (ip) =>
    expect(categoryOf(ip)).toBeNull(),
  );
});

describe("allow rules", () => {
  it("read host[:port], address[:port], CIDR[:port] and bracketed IPv6", () => {
    expect(parseAllowRule("127.0.0.1:11434")).toMatchObject({ port: 11434, range: [expect.anything(), 32] });
    expect(parseAllowRule("10.0.0.0/8")).toMatchObject({ range: [expect.anything(), 8] });
    expect(parseAllowRule("10.0.0.0/8:8080")).toMatchObject({ port: 8080, range: [expect.anything(), 8] });
    expect(parseAllowRule("[::1]:8000")).toMatchObject({ port: 8000, range: [expect.anything(), 128] });
    expect(parseAllowRule("fc00::/7")).toMatchObject({ range: [expect.anything(), 7] });
    expect(parseAllowRule("Ollama:11434")).toMatchObject({ host: "ollama", port: 11434 });
    for (const bad of ["127.0.0.1:0", "127.0.0.1:99999", "10.0.0.0/33", "host/8", "http://x", "a b", "::1:8000x"])
      expect(allowRuleProblem(bad), bad).not.toBeNull();
  });

  it("let through exactly what they name", () => {
    const ollama = policy("127.0.0.1:11434", "10.0.0.0/8", "ollama.internal");
    expect(refusal(() => checkConnection(ollama, "127.0.0.1", "127.0.0.1", 11434))).toBeNull();
    expect(refusal(() => checkConnection(ollama, "10.9.8.7", "10.9.8.7", 5432))).toBeNull();
    expect(refusal(() => checkConnection(ollama, "ollama.internal", "192.168.3.4", 80))).toBeNull();
    expect(refusal(() => checkConnection(ollama, "127.0.0.1", "127.0.0.1", 6379))).toBe(
      "connection to 127.0.0.1:6379 refused by the network policy (loopback); an operator can allow it with CAXTON_NETWORK_ALLOW=127.0.0.1:6379 (caxton.toml: network.allow)",
    );
    expect(refusal(() => checkConnection(ollama, "localhost", "::1", 11434))).toContain(
      "connection to [::1]:11434 (localhost resolves to it) refused by the network policy (loopback)",
    );
  });

  it("with deny_private = false, still refuse cloud metadata unless it is listed", () => {
    const open: NetworkPolicy = { denyPrivate: false, allow: [] };
    expect(refusal(() => checkConnection(open, "127.0.0.1", "127.0.0.1", 6379))).toBeNull();
    expect(refusal(() => checkConnection(open, "169.254.169.254", "169.254.169.254", 80))).toContain("(cloud metadata)");
    expect(
      refusal(() =>
        checkConnection({ denyPrivate: false, allow: [parseAllowRule("169.254.169.254")] }, "169.254.169.254", "169.254.169.254", 80),
      ),
    ).toBeNull();
  });
});

describe("the configuration", () => {
  it("reads network.allow from the environment (comma-separated) and refuses a bad rule naming the key", () => {
    const config = loadConfig({ env: { CAXTON_CONFIG: "", CAXTON_NETWORK_ALLOW: "127.0.0.1:11434, 10.0.0.0/8 [::1]:8000" } });
    expect(config.networkAllow).toEqual(["127.0.0.1:11434", "10.0.0.0/8", "[::1]:8000"]);
    expect(config.networkDenyPrivate).toBe(true);
    expect(loadConfig({ env: { CAXTON_CONFIG: "", CAXTON_NETWORK_DENY_PRIVATE: "false" } }).networkDenyPrivate).toBe(false);
    expect(() => loadConfig({ env: { CAXTON_CONFIG: "", CAXTON_NETWORK_ALLOW: "127.0.0.1:99999" } })).toThrow(
      /CAXTON_NETWORK_ALLOW = "127.0.0.1:99999" is not allowed: expected a comma-separated list/,
    );
  });
});

describe("guarded fetch", () => {
  let server: Server;
  let other: Server;
  let port = 0;
  let otherPort = 0;
  let otherHits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/redirect") res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/inside` }).end();
      else res.writeHead(200, { "content-type": "text/plain" }).end(`hello from ${req.headers.host}`);
    });
    other = createServer((_req, res) => (otherHits++, res.end("inside")));
    await Promise.all([
      new Promise<void>((r) => server.listen(0, "127.0.0.1", r)),
      new Promise<void>((r) => other.listen(0, "127.0.0.1", r)),
    ]);
    port = (server.address() as AddressInfo).port;
    otherPort = (other.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    other.closeAllConnections();
    await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
  });

  const refusedBy = async (request: Promise<unknown>) => {
    const error = await request.then(
      () => null,
      (e: unknown) => e,
    );
    return policyRefusal(error)?.message ?? `not refused: ${String(error)}`;
  };

  it("refuses loopback by default, by address and by a name that resolves to it", async () => {
    const guarded = createGuardedFetch(policy());
    expect(await refusedBy(guarded(`http://127.0.0.1:${port}/`))).toContain(
      `connection to 127.0.0.1:${port} refused by the network policy (loopback)`,
    );
    expect(await refusedBy(guarded(`http://localhost:${port}/`))).toMatch(
      /\(localhost resolves to it\) refused by the network policy \(loopback\)/,
    );
    expect(await refusedBy(guarded(`http://[::ffff:127.0.0.1]:${port}/`))).toContain("(loopback)");
    expect(await refusedBy(guarded("http://169.254.169.254/latest/meta-data/"))).toContain("(cloud metadata)");
    expect(await refusedBy(guarded("http://metadata.google.internal/computeMetadata/v1/"))).toContain("(cloud metadata)");
  });

  it("connects to the address it checked: one lookup per connection, every address checked", async () => {
    const lookups: string[] = [];
    // A rebinding name answers with a public address first and loopback after; a mixed one with both.
    let calls = 0;
    const resolve: Resolve = async (host) => {
      lookups.push(host);
      if (host === "mixed.test")
        return [
          { address: "93.184.216.34", family: 4 },
          { address: "127.0.0.1", family: 4 },
        ];
      calls += 1;
      return [{ address: calls === 1 ? "127.0.0.1" : "93.184.216.34", family: 4 }];
    };
    const guarded = createGuardedFetch(policy(`127.0.0.1:${port}`), resolve);
    const response = await guarded(`http://rebind.test:${port}/`);
    expect(await response.text()).toBe(`hello from rebind.test:${port}`);
    expect(lookups).toEqual(["rebind.test"]);
    expect(await refusedBy(createGuardedFetch(policy(), resolve)(`http://mixed.test:${port}/`))).toContain(
      `connection to 127.0.0.1:${port} (mixed.test resolves to it) refused`,
    );
  });

  it("lets an explicit exception through, and checks every redirect hop", async () => {
    const guarded = createGuardedFetch(policy(`127.0.0.1:${port}`));
    expect(await (await guarded(`http://127.0.0.1:${port}/`)).text()).toBe(`hello from 127.0.0.1:${port}`);
    expect(await refusedBy(guarded(`http://127.0.0.1:${port}/redirect`))).toContain(`connection to 127.0.0.1:${otherPort} refused`);
    expect(otherHits).toBe(0);
  });
});
