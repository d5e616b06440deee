import packageJson from "../package.json";

/** Caxton's version, from package.json (bundled in, so no file read at run time). */
export const version: string = packageJson.version;
