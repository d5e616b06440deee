import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { permissionTable } from "../auth/permissions";
import type { AnyOperation } from "./operation";

// appRouter reaches Auth.js, whose `server-only` marker throws outside a React server bundle.
vi.mock("server-only", () => ({}));
const { appRouter } = await import("../trpc/root");
const { v1Routes } = await import("../api/v1");
const { agentOperations } = await import("./agents");
const { messageOperations } = await import("./messages");
const { secretOperations } = await import("./secrets");
const { toolOperations } = await import("./tools");
const { auditOperations, memberOperations, tokenOperations, usageOperations, workspaceOperations } = await import("./workspaces");

const operations: AnyOperation[] = [
  agentOperations,
  toolOperations,
  messageOperations,
  secretOperations,
  workspaceOperations,
  memberOperations,
  tokenOperations,
  auditOperations,
  usageOperations,
].flatMap((domain) => Object.values(domain) as AnyOperation[]);

/** Calls one transport has and the other has not, each with its reason; anything else must be an operation. */
const trpcOnly: Record<string, string> = {
  "system.health": "public health check of the web app",
  "system.startProbe": "the operator's queue check",
  "system.probe": "the operator's queue check",
  "me.get": "a session's user and workspaces (REST: GET /me, a token's view)",
  "me.completeOnboarding": "a session's onboarding",
  "workspaces.list": "a session's workspaces (REST: GET /workspaces, a token's one)",
  "workspaces.create": "a session creates a workspace; a token belongs to one",
  "invitations.preview": "opening an invitation link, before membership",
  "invitations.accept": "opening an invitation link, before membership",
};
const restOnly: Record<string, string> = {
  "GET /openapi.json": "this API's own document",
  "GET /schemas/agent.json": "the agent document's JSON Schema, for editors",
  "GET /me": "what a token acts as",
  "GET /workspaces": "the token's workspace, as a list",
  "GET /workspaces/{slug}/audit/export": "a JSON Lines download (the web app has its own page route)",
};

type ProcedureDef = { _def: { type: "query" | "mutation"; inputs: z.ZodType[]; output?: z.ZodType; meta?: { operation?: string } } };
const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
type DerivedRoute = (typeof v1Routes)[number] & { operation?: AnyOperation };
const routes = v1Routes as DerivedRoute[];

const schemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown>; required?: string[] };
/** Each field's JSON Schema, so two inputs compare field by field whatever object wraps them. */
const fieldsOf = (...schemas: (z.ZodType | undefined)[]) =>
  Object.fromEntries(
    schemas.flatMap((schema) => (schema ? Object.entries(schemaOf(schema).properties ?? {}) : [])).sort(([a], [b]) => a.localeCompare(b)),
  );

describe("operations: one definition per domain call, both transports derived from it", () => {
  it("every tRPC procedure is an operation's, or a session call listed with its reason", () => {
    const names = new Set(operations.map((op) => op.name));
    expect(names.size).toBe(operations.length);
    for (const [path, procedure] of Object.entries(procedures)) {
      if (path in trpcOnly) {
        expect(procedure._def.meta?.operation, path).toBeUndefined();
        continue;
      }
      expect(procedure._def.meta?.operation, `${path} is neither an operation's procedure nor listed as tRPC-only`).toBe(path);
    }
    for (const op of operations) expect(procedures[op.name], `${op.name} has no tRPC procedure`).toBeDefined();
  });

  it("every REST route is an operation's, or a REST-only route listed with its reason", () => {
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (key in restOnly) expect(route.operation, key).toBeUndefined();
      else expect(route.operation, `${key} is neither an operation's route nor listed as REST-only`).toBeDefined();
    }
    for (const op of operations.filter((o) => o.rest))
      expect(
        routes.filter((r) => r.operation === op),
        op.name,
      ).toHaveLength(1);
  });

  it("each operation's REST route and tRPC procedure take the same fields, by the same schemas", () => {
    for (const op of operations) {
      const procedure = procedures[op.name]!._def;
      expect(procedure.type, op.name).toBe(op.kind);
      const { workspace, ...trpcFields } = fieldsOf(...procedure.inputs);
      expect(workspace, `${op.name}: tRPC names the workspace`).toEqual({ type: "string" });
      expect(trpcFields, `${op.name}: tRPC input`).toEqual(fieldsOf(op.input));
      expect(procedure.output, `${op.name}: tRPC output`).toBe(op.output);
      const route = routes.find((r) => r.operation === op);
      if (!route) continue;
      const { slug, ...restFields } = fieldsOf(route.params, route.query, route.body);
      expect(slug !== undefined, `${op.name}: a /workspaces/{slug} route is path-scoped`).toBe(route.workspace === "path");
      expect(restFields, `${op.name}: REST input`).toEqual(trpcFields);
      if (route.status !== 204) expect(route.response, `${op.name}: REST answer`).toBe(op.rest?.reply?.schema ?? op.output);
    }
  });

  it("every operation names a permission of the table, or says why it has none", () => {
    for (const op of operations) {
      if (op.permission === null) expect(op.name).toBe("members.remove");
      else expect(Object.keys(permissionTable), op.name).toContain(op.permission);
    }
  });

  it("REST refuses unknown fields wherever it did, and a route with {slug} checks it", () => {
    const strictBodies = routes.filter((r) => r.body && r.operation).map((r) => `${r.method} ${r.path}`);
    for (const route of routes.filter((r) => r.body && r.operation)) {
      const parsed = route.body!.safeParse({ surprise: 1 });
      expect(parsed.success, `${route.method} ${route.path}`).toBe(false);
      expect(JSON.stringify(parsed.error?.issues), `${route.method} ${route.path}`).toContain("surprise");
    }
    expect(strictBodies.length).toBeGreaterThan(10);
    for (const route of routes) expect(route.path.includes("{slug}"), `${route.method} ${route.path}`).toBe(route.workspace === "path");
  });
});
