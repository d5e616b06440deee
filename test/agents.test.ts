import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activateVersion,
  deleteAgent,
  diffVersions,
  getAgent,
  getVersion,
  listAgents,
  listVersions,
  pushAgent,
} from "../server/agents/agents";
import { MAX_AGENT_BYTES } from "../server/agents/validate";
import { dispatchV1 } from "../server/api/v1";
import type { Actor } from "../server/auth/actor";
import { getDb } from "../server/db/client";
import { setQuota } from "../server/quotas/quotas";
import { sampleAgent } from "./support/agents";
import { useTestEnvironment } from "./support/env";
import { createWorkspaceWithRoles, refusal, type TestToken, type WorkspaceFixture } from "./support/identity";

let environment: Awaited<ReturnType<typeof useTestEnvironment>>;
let ws: WorkspaceFixture;
let owner: Actor;
let token: TestToken;

beforeAll(async () => {
  environment = await useTestEnvironment("agents");
  ws = await createWorkspaceWithRoles("agents");
  owner = await ws.actor("owner");
  token = await ws.token("owner");
});
afterAll(async () => {
  await environment?.cleanup();
});

const rowsOf = async (workspaceId: string) => {
  const db = getDb();
  const [agents, versions, audit] = await Promise.all([
    db.agent.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.agentVersion.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.auditEvent.count({ where: { workspaceId } }),
  ]);
  return { agents, versions, audit };
};

describe("versions", () => {
  it("creates, adds a version for a change, and does nothing for identical content", async () => {
    const created = await pushAgent(owner, sampleAgent("versioned"));
    expect(created).toMatchObject({ outcome: "created", version: { number: 1, semver: "1.0.0", active: true }, diff: null });
    expect(created.agent).toMatchObject({
      name: "versioned",
      kind: "llm",
      capabilities: ["summarize"],
      status: "active",
      activeVersion: { number: 1 },
    });

    const updated = await pushAgent(owner, sampleAgent("versioned", { version: "1.1.0", description: "Now in two bullets." }));
    expect(updated).toMatchObject({ outcome: "updated", version: { number: 2, semver: "1.1.0" } });
    expect(updated.diff).toContain('-description = "Summarizes documents in three bullets."');
    expect(updated.diff).toContain('+description = "Now in two bullets."');

    const before = await rowsOf(ws.workspace.id);
    const again = await pushAgent(
      owner,
      sampleAgent("versioned", { version: "1.1.0", description: "Now in two bullets." }).replace(/\n/g, "\r\n"),
    );
    expect(again).toMatchObject({ outcome: "unchanged", version: { number: 2 }, diff: null });
    expect(await rowsOf(ws.workspace.id)).toEqual(before);
  });

  it("lists versions newest first, diffs any two, and rolls back", async () => {
    const versions = await listVersions(owner, "versioned", { limit: 50 });
    expect(versions.items.map((v) => [v.number, v.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    const diff = await diffVersions(owner, "versioned", {});
    expect(diff).toMatchObject({ from: 1, to: 2, identical: false });
    expect(diff.diff).toMatch(/^--- versioned v1\n\+\+\+ versioned v2\n@@/);
    expect((await diffVersions(owner, "versioned", { from: 2, to: 2 })).identical).toBe(true);

    const rolledBack = await activateVersion(owner, "versioned", 1);
    expect(rolledBack.activeVersion).toEqual({ number: 1, semver: "1.0.0" });
    expect((await getAgent(owner, "versioned")).source).toBe(sampleAgent("versioned"));
    expect((await getVersion(owner, "versioned", 2)).active).toBe(false);

    // Pushing the content of version 2 again makes version 2 active, without a third version.
    const back = await pushAgent(owner, sampleAgent("versioned", { version: "1.1.0", description: "Now in two bullets." }));
    expect(back).toMatchObject({ outcome: "reactivated", version: { number: 2 } });
    expect((await listVersions(owner, "versioned", { limit: 50 })).items).toHaveLength(2);
  });

  it("answers not found for unknown agents and versions, with the range in the hint", async () => {
    expect((await refusal(() => getAgent(owner, "nobody")))?.code).toBe("not_found");
    const missing = await refusal(() => activateVersion(owner, "versioned", 9));
    expect(missing?.code).toBe("not_found");
    expect(missing?.extra.hint).toBe("Versions run from 1 to 2.");
  });

  it("deletes only with the typed name, keeps the history, and frees the name", async () => {
    await pushAgent(owner, sampleAgent("short-lived"));
    await pushAgent(owner, sampleAgent("short-lived", { version: "2.0.0" }));
    const wrong = await refusal(() => deleteAgent(owner, "short-lived", "short-live"));
    expect(wrong?.code).toBe("bad_request");
    expect((await getAgent(owner, "short-lived")).status).toBe("active");

    await deleteAgent(owner, "short-lived", "short-lived");
    expect((await refusal(() => getAgent(owner, "short-lived")))?.code).toBe("not_found");
    expect((await listAgents(owner, { limit: 50 })).items.map((a) => a.name)).not.toContain("short-lived");
    const history = await getDb().agent.findFirst({
      where: { workspaceId: ws.workspace.id, name: "short-lived" },
      include: { versions: true },
    });
    expect(history?.deletedAt).not.toBeNull();
    expect(history?.versions).toHaveLength(2);

    const reborn = await pushAgent(owner, sampleAgent("short-lived"));
    expect(reborn).toMatchObject({ outcome: "created", version: { number: 1 } });
  });

  it("refuses an invalid document with its problems and writes nothing", async () => {
    const before = await rowsOf(ws.workspace.id);
    const error = await refusal(() => pushAgent(owner, sampleAgent("versioned").replace("capabilities", "capabilitees")));
    expect(error?.code).toBe("invalid_agent");
    expect(error?.status).toBe(422);
    const problems = (error?.extra.details as { problems: { code: string; line: number; suggestions: string[] }[] }).problems;
    expect(problems).toContainEqual(expect.objectContaining({ code: "unknown_key", line: 4, suggestions: ["capabilities"] }));
    expect(await rowsOf(ws.workspace.id)).toEqual(before);
  });

  it("two simultaneous pushes of a new agent make one agent with one version", async () => {
    const results = await Promise.all([pushAgent(owner, sampleAgent("raced")), pushAgent(owner, sampleAgent("raced"))]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["created", "unchanged"]);
    const agents = await getDb().agent.findMany({ where: { workspaceId: ws.workspace.id, name: "raced" }, include: { versions: true } });
    expect(agents).toHaveLength(1);
    expect(agents[0]!.versions).toHaveLength(1);
  });
});

describe("the agents quota", () => {
  it("refuses the agent past the limit, writes nothing, and counts only live agents", async () => {
    const small = await createWorkspaceWithRoles("agents_quota");
    const smallOwner = await small.actor("owner");
    await setQuota(smallOwner, "agents", 1);
    await pushAgent(smallOwner, sampleAgent("first"));
    const before = await rowsOf(small.workspace.id);
    const refused = await refusal(() => pushAgent(smallOwner, sampleAgent("second")));
    expect(refused?.code).toBe("quota_exceeded");
    expect(refused?.message).toContain('quota "agents"');
    expect(await rowsOf(small.workspace.id)).toEqual(before);
    // A new version of an existing agent is not a new agent.
    expect((await pushAgent(smallOwner, sampleAgent("first", { version: "1.0.1" }))).outcome).toBe("updated");
    await deleteAgent(smallOwner, "first", "first");
    expect((await pushAgent(smallOwner, sampleAgent("second"))).outcome).toBe("created");
  });
});

describe("REST bodies", () => {
  const call = (path: string, init: RequestInit) =>
    dispatchV1(
      new Request(`http://127.0.0.1/api/v1${path}`, {
        ...init,
        headers: { authorization: token.authorization, ...(init.headers as Record<string, string>) },
      }),
    );

  it("takes the TOML text itself or JSON with the source", async () => {
    const asToml = await call("/agents", {
      method: "POST",
      headers: { "content-type": "application/toml" },
      body: sampleAgent("rest-toml"),
    });
    expect(asToml.status).toBe(200);
    expect(((await asToml.json()) as { outcome: string }).outcome).toBe("created");
    const asJson = await call("/agents", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ source: sampleAgent("rest-toml") }),
    });
    expect(((await asJson.json()) as { outcome: string }).outcome).toBe("unchanged");
  });

  it("validate answers 422 with every problem placed, and 200 for a valid document", async () => {
    const bad = await call("/agents/validate", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: 'name = "x"\nversion = 1\n',
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as {
      error: { code: string; details: { problems: { code: string; field: string; line: number; column: number }[] } };
    };
    expect(body.error.code).toBe("invalid_agent");
    expect(body.error.details.problems).toContainEqual(
      expect.objectContaining({ code: "invalid_type", field: "version", line: 2, column: 11 }),
    );
    expect(body.error.details.problems).toContainEqual(
      expect.objectContaining({ code: "invalid_value", field: "name", line: 1, column: 8 }),
    );
    const good = await call("/agents/validate", {
      method: "POST",
      headers: { "content-type": "application/toml" },
      body: sampleAgent("checked"),
    });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ ok: true, problems: [], config: { name: "checked", routing: { strategy: "single" } } });
  });

  it("refuses bytes that are not UTF-8, documents over the limit, and other media types", async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('name = "caf'), 0xe9, ...new TextEncoder().encode('"\n')]);
    const latin1 = await call("/agents", { method: "POST", headers: { "content-type": "application/toml" }, body: bytes });
    expect(latin1.status).toBe(422);
    expect(
      ((await latin1.json()) as { error: { details: { problems: { code: string; line: number; column: number }[] } } }).error.details
        .problems[0],
    ).toMatchObject({
      code: "invalid_encoding",
      line: 1,
      column: 12,
    });
    const huge = await call("/agents", {
      method: "POST",
      headers: { "content-type": "application/toml" },
      body: `# ${"x".repeat(MAX_AGENT_BYTES)}\n`,
    });
    expect(huge.status).toBe(422);
    expect(await huge.text()).toContain("document_too_large");
    const yaml = await call("/agents", { method: "POST", headers: { "content-type": "application/yaml" }, body: "name: x" });
    expect(yaml.status).toBe(415);
    expect(((await yaml.json()) as { error: { hint: string } }).error.hint).toContain("application/toml");
  });
});

describe("templates and the published schema over REST", () => {
  const call = (path: string, init: RequestInit = {}) =>
    dispatchV1(
      new Request(`http://127.0.0.1/api/v1${path}`, {
        ...init,
        headers: { authorization: token.authorization, "content-type": "application/json", ...(init.headers as Record<string, string>) },
      }),
    );

  it("lists at least five templates, each with parameters and a preview that validates", async () => {
    const response = await call("/templates");
    const { items } = (await response.json()) as { items: { id: string; params: { name: string }[]; preview: string }[] };
    expect(items.length).toBeGreaterThanOrEqual(5);
    expect(items.map((t) => t.id)).toEqual(
      expect.arrayContaining(["summarizer", "classifier", "researcher", "word-counter", "support-triage"]),
    );
    for (const template of items) {
      const checked = await call("/agents/validate", { method: "POST", body: JSON.stringify({ source: template.preview }) });
      expect(checked.status, template.id).toBe(200);
    }
  });

  it("creates an agent from a template, and names each bad parameter", async () => {
    const created = await call("/agents/from-template", {
      method: "POST",
      body: JSON.stringify({ template: "summarizer", params: { NAME: "from-template" } }),
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ outcome: "created", agent: { name: "from-template" } });

    const bad = await call("/agents/from-template", {
      method: "POST",
      body: JSON.stringify({ template: "summarizer", params: { NAME: "Bad Name", NAEM: "x" } }),
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; details: { param: string; message: string }[] } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.map((d) => d.param).sort()).toEqual(["NAEM", "NAME"]);
    expect(body.error.details.find((d) => d.param === "NAEM")?.message).toContain("Did you mean `NAME`?");

    const unknown = await call("/agents/from-template", { method: "POST", body: JSON.stringify({ template: "sumarizer" }) });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("summarizer");
  });

  it("publishes the agent JSON Schema without a token", async () => {
    const response = await dispatchV1(new Request("http://127.0.0.1/api/v1/schemas/agent.json"));
    expect(response.status).toBe(200);
    const schema = (await response.json()) as { $id: string; required: string[]; properties: Record<string, { pattern?: string }> };
    expect(schema.$id).toBe("/api/v1/schemas/agent.json");
    expect(schema.required).toEqual(expect.arrayContaining(["name", "version", "description", "capabilities"]));
    expect(schema.properties.name?.pattern).toBe("^[a-z][a-z0-9-]*[a-z0-9]$");
  });
});
