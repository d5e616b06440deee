import { z } from "zod";
import { deleteSecret, listSecrets, secretSummarySchema, secretValueSchema, setSecret } from "../../secrets/secrets";
import { route } from "../route";

const nameParams = z.object({ name: z.string() });

/** Write-only: values go in, only names and dates come out. */
export const secretRoutes = [
  route({
    method: "GET",
    path: "/secrets",
    tag: "Secrets",
    summary: "Names of the workspace's secrets (never their values)",
    response: z.object({ items: z.array(secretSummarySchema) }),
    async handler({ actor }) {
      return { items: await listSecrets(actor) };
    },
  }),
  route({
    method: "PUT",
    path: "/secrets/{name}",
    tag: "Secrets",
    summary: "Set a secret (create or replace)",
    description: "Names are like `OPENAI_API_KEY` (uppercase letters, digits, underscores). An agent's `[llm] api_key_secret` names the secret holding its provider's key. The value is never shown again.",
    params: nameParams,
    body: z.object({ value: secretValueSchema }).strict(),
    status: 204,
    async handler({ actor, params, body }) {
      await setSecret(actor, params.name, body.value);
    },
  }),
  route({
    method: "DELETE",
    path: "/secrets/{name}",
    tag: "Secrets",
    summary: "Delete a secret",
    params: nameParams,
    status: 204,
    async handler({ actor, params }) {
      await deleteSecret(actor, params.name);
    },
  }),
];
