import { getConfig } from "../config/load";

/** The address people use to reach this install, for links we hand out. */
export function publicUrl(): string {
  const config = getConfig();
  return (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, "");
}
