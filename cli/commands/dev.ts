import { readdir, readFile, stat } from "node:fs/promises";
import type { PushResult } from "../../server/agents/agents";
import { connect, type Me } from "../api-client";
import type { Command } from "../command";
import { createDevLoop } from "../dev-loop";
import { CliFailure, exitCodes, usageError } from "../errors";

const print = (text: string) => process.stdout.write(`${text}\n`);

export const devCommands: Command[] = [
  {
    name: "dev",
    usage: "dev [dir]",
    summary: "Push a folder's agents, then push every saved change (checked locally first).",
    details:
      "Pushes every *.toml in the folder (default: the current one) once, then watches it. On each save\n" +
      "the file is validated locally: with errors they are printed as file:line:col and nothing is\n" +
      "pushed, so the last good version stays active. Ctrl-C stops (exit 0).",
    optionalArguments: ["dir"],
    async run(args, out) {
      if (out.json)
        throw usageError("`caxton dev` prints a live log; it has no --json mode.", "Use `caxton agent push --json` in scripts.");
      const dir = args.positionals[0] ?? ".";
      const isFolder = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isFolder)
        throw new CliFailure(exitCodes.error, {
          code: "not_a_folder",
          message: `${dir} is not a folder.`,
          hint: "Give the folder that holds your agent documents, e.g. caxton dev agents/.",
        });

      const client = connect();
      // Fails fast, with the right exit code, when the server is down or the token is wrong.
      const me = await client.get<Me>("/me");
      // Loaded only now: the validator brings the TOML parser and zod, which `caxton --help` does not need.
      const [{ validateAgentSource }, { watch }] = await Promise.all([import("../../server/agents/validate"), import("node:fs")]);

      let exitCode: number | undefined;
      let wake!: () => void;
      const stopped = new Promise<void>((resolve) => (wake = resolve));
      const stop = (code: number) => {
        exitCode ??= code;
        wake();
      };
      const onSignal = () => stop(exitCodes.ok);
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);

      const loop = createDevLoop({
        dir,
        push: (bytes) => client.postDocument<PushResult>("/agents", bytes),
        validate: validateAgentSource,
        read: readFile,
        print,
      });
      // Watch before the first push, so a save made meanwhile is not missed.
      const watcher = watch(dir, (_event, name) => name && loop.changed(name));
      watcher.on("error", (error) => {
        print(`error: stopped watching ${dir}: ${error.message}`);
        stop(exitCodes.error);
      });

      print(`Pushing the agents in ${dir} to workspace "${me.workspace.slug}" at ${client.credentials.url}…`);
      await Promise.race([loop.processAll(await readdir(dir)), stopped]);
      if (exitCode === undefined) print(`Watching ${dir} for changes (Ctrl-C to stop).`);

      await stopped;
      watcher.close();
      loop.close();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      // A push already sent is let finish, so its outcome is printed rather than lost.
      await Promise.race([loop.idle(), new Promise((r) => setTimeout(r, 2_000).unref())]);
      print("Stopped.");
      return exitCode ?? exitCodes.ok;
    },
  },
];
