import { describe, expect, it } from "vitest";
import { parseArgs, type FlagGrammar } from "./args";
import { grammarOf } from "./command";
import { commands } from "./commands";

const grammar: FlagGrammar = { switches: ["json", "help", "version", "yes"], lists: ["scopes"], optional: { wait: /^\d+(?:\.\d+)?s?$/ } };
const parse = (...argv: string[]) => parseArgs(argv, grammar);

describe("parseArgs", () => {
  it("reads a flag with an optional value bare, with a value, inline, and as --no-<name>", () => {
    expect(parse("send", "cap", "text", "--wait")).toMatchObject({ positionals: ["send", "cap", "text"], flags: { wait: true } });
    expect(parse("send", "cap", "text", "--wait", "60")).toMatchObject({ positionals: ["send", "cap", "text"], flags: { wait: "60" } });
    expect(parse("send", "--wait", "10s", "cap", "text").flags.wait).toBe("10s");
    expect(parse("send", "--wait=60s", "cap", "text").flags.wait).toBe("60s");
    expect(parse("send", "cap", "text", "--no-wait")).toMatchObject({ positionals: ["send", "cap", "text"], flags: { wait: false } });
  });

  it("leaves a word that is not a value of the optional flag an argument", () => {
    expect(parse("send", "--wait", "summarize", "hello")).toMatchObject({
      positionals: ["send", "summarize", "hello"],
      flags: { wait: true },
    });
    expect(parse("send", "--wait", "--json", "cap", "x")).toMatchObject({
      positionals: ["send", "cap", "x"],
      flags: { wait: true, json: true },
    });
  });

  it("refuses contradictions and a value on --no-<name>", () => {
    expect(() => parse("--wait", "5", "--no-wait")).toThrow("Option --wait was given twice.");
    expect(() => parse("--no-wait=3")).toThrow("Option --no-wait takes no value.");
    expect(() => parse("--token", "a", "--token", "b")).toThrow("Option --token was given twice.");
    expect(parse("--json", "--json").flags.json).toBe(true);
    expect(() => parse("--yes=true")).toThrow("Option --yes takes no value: write --yes alone.");
    expect(() => parse("-json")).toThrow('Unknown option "-json". Long options take two dashes: --json.');
  });

  it("keeps the other kinds: switches, lists, values", () => {
    expect(parse("--yes", "name")).toMatchObject({ positionals: ["name"], flags: { yes: true } });
    expect(parse("--scopes", "a", "--scopes", "b,c")).toMatchObject({ flags: { scopes: "a,b,c" }, lists: { scopes: ["a", "b,c"] } });
    expect(parse("--name", "ci", "rest")).toMatchObject({ positionals: ["rest"], flags: { name: "ci" } });
    // Only an optional-value flag has a --no- form; anything else stays an (unknown) flag of its own.
    expect(parse("--no-yes").flags).toEqual({ "no-yes": true });
  });

  it("takes every command's grammar from its declared options", () => {
    const all = grammarOf(commands);
    expect(all.switches).toEqual(expect.arrayContaining(["json", "help", "version", "dev", "yes"]));
    expect(all.lists).toEqual(expect.arrayContaining(["scopes", "param"]));
    expect(Object.keys(all.optional)).toContain("wait");
  });

  it("finds the command with one reading of all commands' flags, so no option name means two kinds", () => {
    const kindOf = (o: NonNullable<(typeof commands)[number]["options"]>[number]) =>
      o.value ? (o.optionalValue ? "optional" : o.repeatable ? "list" : "value") : "switch";
    const kinds = new Map<string, Set<string>>();
    for (const option of commands.flatMap((c) => c.options ?? []))
      kinds.set(option.name, (kinds.get(option.name) ?? new Set()).add(kindOf(option)));
    for (const [name, seen] of kinds) expect([...seen], `--${name}`).toHaveLength(1);
    for (const name of ["json", "help", "version"]) expect(kinds.has(name), `--${name} is global`).toBe(false);
  });
});
