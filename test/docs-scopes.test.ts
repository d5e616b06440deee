import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scopes } from "../server/auth/permissions";
import { fromRoot } from "../server/platform/paths";

/**
 * The docs list the token scopes in several places; the one list is `scopes` in
 * server/auth/permissions.ts. A paragraph that names several scopes is a list of them, and
 * must name them all, and none that does not exist.
 */
const documents = [
  "README.md",
  ...readdirSync(fromRoot("docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("docs", f)),
];
const SCOPE_LIKE = /\b(?:agents|messages|tools|memory|workspace|members|tokens|secrets):[a-z]+\b|\badmin\b/g;
const isScopeList = (paragraph: string) =>
  new Set(paragraph.match(SCOPE_LIKE)?.filter((word) => (scopes as readonly string[]).includes(word))).size >= 4;

describe("the scope lists in the docs", () => {
  it("finds the lists it checks (README, docs/cli.md)", () => {
    const found = documents.filter((doc) =>
      readFileSync(fromRoot(doc), "utf8")
        .split(/\n\s*\n/)
        .some(isScopeList),
    );
    expect(found).toEqual(expect.arrayContaining(["README.md", path.join("docs", "cli.md")]));
  });

  for (const doc of documents) {
    it(`${doc} lists every scope the code has, and no other`, () => {
      for (const paragraph of readFileSync(fromRoot(doc), "utf8")
        .split(/\n\s*\n/)
        .filter(isScopeList)) {
        const named = [...new Set(paragraph.match(SCOPE_LIKE))].sort();
        expect(named, `in ${doc}:\n${paragraph}`).toEqual([...scopes].sort());
      }
    });
  }
});
