import { connect } from "../api-client";
import type { Command } from "../command";
import { printResult } from "../output";
import { shortDate, table } from "../table";

interface WorkspaceView {
  id: string;
  slug: string;
  name: string;
  personal: boolean;
  role: string;
  createdAt: string;
}

export const workspaceCommands: Command[] = [
  {
    name: "workspaces list",
    usage: "workspaces list",
    summary: "List the workspaces the token can reach (a token belongs to one).",
    async run(_args, out) {
      const items = await connect().listAll<WorkspaceView>("/workspaces");
      printResult(
        out,
        { items },
        items.length
          ? table(
              ["slug", "name", "role", "personal", "created"],
              items.map((w) => [w.slug, w.name, w.role, w.personal ? "yes" : "no", shortDate(w.createdAt)]),
            )
          : "No workspaces.",
      );
      return 0;
    },
  },
];
