import { createTwoFilesPatch } from "diff";

export interface DiffSide {
  label: string;
  text: string;
}

/** A unified diff (the `diff -u` people read in reviews); a missing side diffs against nothing. */
export function unifiedDiff(from: DiffSide | null, to: DiffSide): string {
  const normalise = (text: string) => text.replace(/\r\n/g, "\n");
  return createTwoFilesPatch(from?.label ?? "/dev/null", to.label, normalise(from?.text ?? ""), normalise(to.text), "", "", { context: 3 })
    .split("\n")
    .filter((line) => !line.startsWith("====="))
    .join("\n");
}
