import { describe, expect, it } from "vitest";
import { hostAllowed } from "./caxton-http";

describe("allowedHosts", () => {
  const allowed = (url: string, hosts: string[]) => hostAllowed(new URL(url), hosts);

  it("matches a host on any port, a host:port on that port, and *.domain below the domain", () => {
    expect(allowed("https://api.example.com/x", ["api.example.com"])).toBe(true);
    expect(allowed("http://127.0.0.1:8080/", ["127.0.0.1:8080"])).toBe(true);
    expect(allowed("http://127.0.0.1:8081/", ["127.0.0.1:8080"])).toBe(false);
    expect(allowed("https://a.b.example.com/", ["*.example.com"])).toBe(true);
    expect(allowed("https://API.Example.com/", ["*.EXAMPLE.com"])).toBe(true);
    expect(allowed("https://example.com/", ["*.example.com"])).toBe(false);
    expect(allowed("https://badexample.com/", ["*.example.com"])).toBe(false);
    expect(allowed("https://x.example.com:8443/", ["*.example.com:8443"])).toBe(true);
    expect(allowed("https://x.example.com/", ["*.example.com:8443"])).toBe(false);
  });
});
