import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout Caxton runs from: the nearest folder above this module whose package.json
 * is Caxton's. Works the same from the TypeScript sources (dev, tests) and from dist/.
 */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "caxton") return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const projectRoot = findRoot();
// Caxton runs from its checkout, never from a traced copy of the server, so Next's file
// tracing has nothing to follow here (unignored, it warns and traces the whole project).
export const fromRoot = (...parts: string[]) => path.join(/* turbopackIgnore: true */ projectRoot, ...parts);
