import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { suggest } from "../lib/suggest";
import { configKeys, type Config, type ConfigKey } from "./keys";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Caxton cannot start: the configuration has ${problems.length === 1 ? "a problem" : `${problems.length} problems`}.\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export interface ConfigSource {
  env: Record<string, string | undefined>;
  /** caxton.toml path; default: $CAXTON_CONFIG, else ./caxton.toml when it exists. */
  file?: string;
}

function flatten(table: Record<string, unknown>, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(table)) {
    const dotted = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
      for (const [dk, dv] of flatten(v as Record<string, unknown>, dotted)) out.set(dk, dv);
    } else {
      out.set(dotted, v);
    }
  }
  return out;
}

function readTomlFile(file: string, problems: string[]): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    problems.push(`${file}: cannot be read (${(error as Error).message}). Fix the path in CAXTON_CONFIG or create the file.`);
    return new Map();
  }
  try {
    return flatten(parseToml(text) as Record<string, unknown>);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0];
      problems.push(`${file}:${error.line}:${error.column}: not valid TOML: ${reason}. Fix the syntax at that line.`);
    } else {
      problems.push(`${file}: not valid TOML: ${(error as Error).message}`);
    }
    return new Map();
  }
}

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));

/**
 * Reads caxton.toml and the environment once and validates every key. Collects all
 * problems before failing so one start-up tells the operator everything to fix.
 */
export function loadConfig(source: ConfigSource = { env: process.env }): Config {
  const problems: string[] = [];
  const explicitFile = source.file ?? source.env.CAXTON_CONFIG;
  const file = explicitFile ?? (existsSync("caxton.toml") ? "caxton.toml" : undefined);
  const fileValues = file ? readTomlFile(path.resolve(/*turbopackIgnore: true*/ file), problems) : new Map<string, unknown>();
  const fileLabel = file ? path.basename(file) : "caxton.toml";

  const entries = Object.entries(configKeys) as [keyof Config, ConfigKey<unknown>][];
  const knownToml = entries.map(([, k]) => k.toml);
  for (const unknownKey of [...fileValues.keys()].filter((k) => !knownToml.includes(k))) {
    const hints = suggest(unknownKey, knownToml);
    problems.push(
      `${fileLabel}: unknown key "${unknownKey}"${hints.length ? ` (did you mean "${hints[0]}"?)` : ""}. ` +
        `Known keys: ${knownToml.join(", ")}.`,
    );
  }

  const config: Record<string, unknown> = {};
  for (const [name, spec] of entries) {
    const envValue = source.env[spec.env];
    const fromEnv = envValue !== undefined && envValue !== "";
    const raw = fromEnv ? envValue : fileValues.get(spec.toml);
    if (raw === undefined) {
      config[name] = spec.default;
      continue;
    }
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) {
      config[name] = parsed.data;
    } else {
      const where = fromEnv ? `environment variable ${spec.env}` : `${fileLabel} key "${spec.toml}"`;
      problems.push(
        `${where} = ${show(raw)} is not allowed: expected ${spec.allowed}. ` +
          `Fix: set ${fromEnv ? spec.env : `"${spec.toml}" in ${fileLabel}`} to ${spec.allowed}` +
          `${spec.default !== undefined ? ` (default ${show(spec.default)})` : ", or remove it to use the default"}.`,
      );
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return config as Config;
}

const cache = globalThis as unknown as { __caxtonConfig?: Config };

/** The process's configuration, read once. */
export function getConfig(): Config {
  cache.__caxtonConfig ??= loadConfig();
  return cache.__caxtonConfig;
}

/** Forget the cached configuration so the next getConfig() reads it again (tests). */
export function clearConfigCache(): void {
  cache.__caxtonConfig = undefined;
}
