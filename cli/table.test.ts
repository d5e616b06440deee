import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { clip, MAX_CELL_WIDTH, MAX_LAST_CELL_WIDTH, printable, table } from "./table";

/** Where the second column starts on each line, in terminal columns. */
const secondColumnAt = (text: string) => text.split("\n").map((line) => stringWidth(line.slice(0, line.indexOf("|"))));

describe("table", () => {
  it("keeps one line per row, whatever control characters the data holds", () => {
    const nasty = [
      "line one\nline two",
      "tab\there",
      "carriage\rreturn",
      "\u001b[31mred\u001b[0m",
      "bell\u0007",
      "nel\u0085x",
      "sep\u2028x",
      "bidi\u202eevil",
      "del\u007f",
    ];
    const text = table(
      ["value", "next"],
      nasty.map((v) => [v, "|"]),
    );
    expect(text.split("\n")).toHaveLength(nasty.length + 1);
    // eslint-disable-next-line no-control-regex -- no control character may be left
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202e]/);
    expect(text).toContain("line one\\nline two");
    expect(text).toContain("tab\\there");
    expect(text).toContain("\\u001b[31mred\\u001b[0m");
    expect(new Set(secondColumnAt(text.split("\n").slice(1).join("\n"))).size).toBe(1);
  });

  it("cuts long values with … and aligns wide characters by their terminal width", () => {
    const text = table(
      ["name", "next", "last"],
      [
        ["x".repeat(500), "|", "y".repeat(500)],
        ["漢字の名前", "|", "short"],
        ["👍🏽", "|", ""],
      ],
    );
    const lines = text.split("\n");
    expect(lines[1]).toContain(`${"x".repeat(MAX_CELL_WIDTH - 1)}…`);
    expect(lines[1]!.endsWith(`${"y".repeat(MAX_LAST_CELL_WIDTH - 1)}…`)).toBe(true);
    expect(new Set(secondColumnAt(lines.slice(1).join("\n"))).size).toBe(1);
  });

  it("clips by terminal columns without splitting a character", () => {
    expect(clip("漢字漢字漢字", 5)).toBe("漢字…");
    expect(clip("short", 5)).toBe("short");
    expect(printable("a\nb")).toBe("a\\nb");
  });
});
