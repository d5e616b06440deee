import { describe, expect, it } from "vitest";
import { personalWorkspaceName } from "./names";
import { slugify } from "./slug";

const proposed = (user: { name: string | null; email: string | null; isOperator?: boolean }) => {
  const name = personalWorkspaceName(user);
  return { name, slug: slugify(name) };
};

describe("the proposed personal workspace", () => {
  it("gives the local operator a plain name and address, not Local's workspace", () => {
    expect(proposed({ name: "Local operator", email: "operator@localhost", isOperator: true })).toEqual({
      name: "My workspace",
      slug: "my-workspace",
    });
  });

  it("uses a person's first name, and the address has no -s- from the apostrophe", () => {
    expect(proposed({ name: "Ada Lovelace", email: "ada@example.com" })).toEqual({ name: "Ada's workspace", slug: "adas-workspace" });
    expect(proposed({ name: "octocat", email: null })).toEqual({ name: "octocat's workspace", slug: "octocats-workspace" });
    expect(proposed({ name: "Zoë", email: null })).toEqual({ name: "Zoë's workspace", slug: "zoes-workspace" });
  });

  it("falls back to the email's local part, then to My workspace, for names that are roles, not people", () => {
    expect(proposed({ name: null, email: "grace.hopper@example.com" })).toEqual({ name: "Grace's workspace", slug: "graces-workspace" });
    expect(proposed({ name: "ada@example.com", email: null }).name).toBe("Ada's workspace");
    for (const user of [
      { name: "Local operator", email: "operator@localhost" },
      { name: null, email: "operator@localhost" },
      { name: "Admin", email: "admin@example.com" },
      { name: "root", email: "root@localhost" },
      { name: null, email: "noreply@example.com" },
      { name: "12345", email: "12345@example.com" },
      { name: "  ", email: null },
      { name: null, email: null },
    ]) {
      expect(proposed(user), JSON.stringify(user)).toEqual({ name: "My workspace", slug: "my-workspace" });
    }
    // A role word as the name, a person in the address: the person.
    expect(proposed({ name: "Admin", email: "linus@example.com" }).name).toBe("Linus's workspace");
  });
});

describe("slugify", () => {
  it("drops apostrophes of every kind instead of splitting on them", () => {
    for (const name of ["Ada's workspace", "Ada’s workspace", "Adaʼs workspace", "Ada`s workspace"])
      expect(slugify(name)).toBe("adas-workspace");
    expect(slugify("O'Brien & Sons")).toBe("obrien-sons");
    expect(slugify("Analytical Engines")).toBe("analytical-engines");
    expect(slugify("'''")).toBe("workspace");
  });
});
