import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CliFailure, exitCodes } from "./errors";
import { checkToken, parseServerUrl } from "./validate";

/**
 * Where `caxton login` keeps the server address and token: $XDG_CONFIG_HOME/caxton/config.json
 * (default ~/.config/caxton/config.json), the folder 0700 and the file 0600 since it holds a
 * secret. CAXTON_URL and CAXTON_TOKEN override what is stored, for every command.
 */
export interface Credentials {
  url: string;
  token: string;
}

export interface ResolvedCredentials extends Credentials {
  /** Where each value came from, for messages: "CAXTON_URL" or the config file's path. */
  urlFrom: string;
  tokenFrom: string;
}

type Env = Record<string, string | undefined>;

export function configFile(env: Env = process.env): string {
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".config");
  return path.join(base, "caxton", "config.json");
}

export function readStoredCredentials(env: Env = process.env): Credentials | undefined {
  const file = configFile(env);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliFailure(exitCodes.error, {
      code: "config",
      message: `Cannot read ${file}: ${(error as Error).message}.`,
      hint: "Check its permissions, or run `caxton logout` and log in again.",
    });
  }
  const broken = (why: string) =>
    new CliFailure(exitCodes.error, {
      code: "config",
      message: `${file} is not a valid caxton config: ${why}.`,
      hint: "Run `caxton login` again (or delete the file).",
    });
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch (error) {
    throw broken((error as Error).message);
  }
  const { url, token } = (stored ?? {}) as Partial<Record<string, unknown>>;
  if (typeof url !== "string" || typeof token !== "string") throw broken('expected { "url": "...", "token": "..." }');
  return { url, token };
}

export function saveCredentials(credentials: Credentials, env: Env = process.env): string {
  const file = configFile(env);
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  // Write a private temporary file, then rename: the token is never readable by others, even briefly.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ url: credentials.url, token: credentials.token }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return file;
}

export function removeCredentials(env: Env = process.env): { file: string; removed: boolean } {
  const file = configFile(env);
  try {
    rmSync(file);
    return { file, removed: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { file, removed: false };
    throw error;
  }
}

/** The server and token every API command uses: environment first, then the config file. */
export function resolveCredentials(env: Env = process.env): ResolvedCredentials {
  const file = configFile(env);
  // With both overrides set the file is not read at all, so a broken one cannot get in the way.
  const stored = env.CAXTON_URL && env.CAXTON_TOKEN ? undefined : readStoredCredentials(env);
  const rawUrl = env.CAXTON_URL || stored?.url;
  const rawToken = env.CAXTON_TOKEN || stored?.token;
  if (!rawUrl || !rawToken) {
    throw new CliFailure(exitCodes.auth, {
      code: "not_logged_in",
      message: rawToken ? "No Caxton server is configured." : "Not logged in: no API token is configured.",
      hint: "Run `caxton login --url <server> --token <token>`, or set CAXTON_URL and CAXTON_TOKEN.",
    });
  }
  const urlFrom = env.CAXTON_URL ? "CAXTON_URL" : file;
  const tokenFrom = env.CAXTON_TOKEN ? "CAXTON_TOKEN" : file;
  return {
    url: parseServerUrl(rawUrl, urlFrom === "CAXTON_URL" ? "CAXTON_URL" : `The url in ${file}`),
    token: checkToken(rawToken, tokenFrom === "CAXTON_TOKEN" ? "CAXTON_TOKEN" : `The token in ${file}`),
    urlFrom,
    tokenFrom,
  };
}
