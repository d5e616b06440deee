import { z } from "zod";
import { deleteSecret, listSecrets, secretNameSchema, secretSummarySchema, secretValueSchema, setSecret } from "../secrets/secrets";
import { operation } from "./operation";

/** Write-only on every transport: values go in, only names, dates and authors come out. */
export const secretOperations = {
  list: operation({
    name: "secrets.list",
    kind: "query",
    permission: "secrets.write",
    input: z.object({}),
    output: z.object({ items: z.array(secretSummarySchema) }),
    run: async (actor) => ({ items: await listSecrets(actor) }),
    rest: { method: "GET", path: "/secrets", tag: "Secrets", summary: "Names of the workspace's secrets (never their values)" },
  }),
  set: operation({
    name: "secrets.set",
    kind: "mutation",
    permission: "secrets.write",
    input: z.object({ name: secretNameSchema, value: secretValueSchema }).strict(),
    output: z.object({ name: z.string() }),
    async run(actor, input) {
      await setSecret(actor, input.name, input.value);
      return { name: input.name };
    },
    rest: {
      method: "PUT",
      path: "/secrets/{name}",
      tag: "Secrets",
      summary: "Set a secret (create or replace)",
      description:
        "Names are like `OPENAI_API_KEY` (uppercase letters, digits, underscores). An agent's `[llm] api_key_secret` names the secret holding its provider's key. The value is never shown again.",
      status: 204,
    },
  }),
  delete: operation({
    name: "secrets.delete",
    kind: "mutation",
    permission: "secrets.write",
    input: z.object({ name: z.string().min(1).max(100) }),
    output: z.object({ name: z.string() }),
    async run(actor, input) {
      await deleteSecret(actor, input.name);
      return { name: input.name };
    },
    rest: { method: "DELETE", path: "/secrets/{name}", tag: "Secrets", summary: "Delete a secret", status: 204 },
  }),
};
