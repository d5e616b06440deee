import { describe, expect, it } from "vitest";
import { editDistance, suggest } from "./suggest";

describe("suggest", () => {
  it("measures edit distance", () => {
    expect(editDistance("serve", "serve")).toBe(0);
    expect(editDistance("servee", "serve")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("offers the closest known words, best first", () => {
    expect(suggest("serv", ["serve", "version", "db migrate"])).toEqual(["serve"]);
    expect(suggest("capabilites", ["capabilities", "description", "tools"])).toEqual(["capabilities"]);
  });

  it("offers nothing for a word unlike any known one", () => {
    expect(suggest("zzzzzz", ["serve", "version"])).toEqual([]);
  });
});
