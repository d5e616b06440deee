import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { startCaxton, testDatabase, uniqueName, type RunningCaxton } from "./support/env";

/** The local operator's one-time link, as printed by `caxton serve` with no GitHub app. */
let database: Awaited<ReturnType<typeof testDatabase>>;
let caxton: RunningCaxton;
const env = () => ({ DATABASE_URL: database.url, REDIS_URL: inject("redisUrl"), CAXTON_REDIS_PREFIX: `test:${uniqueName("operator")}` });

beforeAll(async () => {
  database = await testDatabase("operator");
  caxton = await startCaxton({ ...env(), AUTH_GITHUB_ID: "", AUTH_GITHUB_SECRET: "" });
});
afterAll(async () => {
  await caxton?.stop();
  await database.drop();
});

const printedLink = (output: string) => /(http:\/\/\S+\/signin\/local\?token=cxo_\S+)/.exec(output)?.[1];

describe("local operator sign-in", () => {
  it("prints a link with its expiry and why it is enabled", () => {
    const output = caxton.output();
    expect(printedLink(output)).toBeTruthy();
    // The expiry has its date and zone: the reader's clock may be another zone's or day's.
    const until = /Sign in as the local operator \(single use, until (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC\):/.exec(output);
    expect(until, output).not.toBeNull();
    const expiresAt = Date.parse(`${until![1]}T${until![2]}Z`);
    expect(expiresAt).toBeGreaterThan(Date.now());
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    expect(output).toContain("Enabled because GitHub sign-in is not configured");
  });

  it("signs in once, then the same link is refused", async () => {
    const link = new URL(printedLink(caxton.output())!);
    const url = `${caxton.url}${link.pathname}${link.search}`;
    const first = await fetch(url, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/start");
    const cookie = first.headers.get("set-cookie")!.split(";")[0]!;
    expect(cookie).toMatch(/^authjs\.session-token=\w{64}$/);

    const me = await fetch(`${caxton.url}/api/trpc/me.get`, { headers: { cookie } });
    expect(me.status).toBe(200);
    const body = await me.json();
    expect(body.result.data.user).toMatchObject({ email: "operator@localhost", isOperator: true, onboarded: false });
    expect(body.result.data.workspaces).toHaveLength(1);
    // Proposed under a plain name, not "Local's workspace" at /w/local-s-workspace.
    expect(body.result.data.workspaces[0]).toMatchObject({ personal: true, role: "owner", name: "My workspace", slug: "my-workspace" });

    const again = await fetch(url, { redirect: "manual" });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("/signin?error=link-invalid");
    expect(again.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a made-up token without a session", async () => {
    const response = await fetch(`${caxton.url}/signin/local?token=cxo_${"a".repeat(32)}`, { redirect: "manual" });
    expect(response.headers.get("location")).toBe("/signin?error=link-invalid");
    const me = await fetch(`${caxton.url}/api/trpc/me.get`);
    expect(me.status).toBe(401);
  });

  it("is off, and prints nothing, once GitHub is configured", async () => {
    const withGitHub = await startCaxton({ ...env(), AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "secret" });
    try {
      expect(printedLink(withGitHub.output())).toBeUndefined();
      const page = await fetch(`${withGitHub.url}/signin`);
      const html = await page.text();
      expect(html).toContain("Sign in with GitHub");
      expect(html).not.toContain("Local operator");
    } finally {
      await withGitHub.stop();
    }
  });
});

describe("tRPC endpoint bad input", () => {
  const post = (path: string, body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) =>
    fetch(`${caxton.url}/api/trpc/${path}`, { method: "POST", body, headers });

  it("refuses a body over 1 MiB with 413 before parsing it", async () => {
    const response = await post("workspaces.create", JSON.stringify({ name: "x".repeat(1_100_000) }));
    expect(response.status).toBe(413);
    expect((await response.json()).error.message).toContain("larger than");
  });

  it("answers malformed JSON, unknown procedures and missing sessions with a 4xx, never a 500", async () => {
    const malformed = (await post("workspaces.create", "{not json")).status;
    expect(malformed).toBeGreaterThanOrEqual(400);
    expect(malformed).toBeLessThan(500);
    expect((await post("no.such.procedure", "{}")).status).toBe(404);
    const anonymous = await post("workspaces.create", JSON.stringify({ name: "x" }));
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.message).toBe("Sign in first.");
  });
});
