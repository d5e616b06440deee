import type { AgentConfig } from "../agents/schema";
import { editDistance } from "../lib/suggest";

/**
 * Which agents offer which capability, from the active versions of a workspace's agents.
 * Built once per workspace and kept until an agent changes (see index-cache.ts), so a routing
 * decision is a map lookup.
 *
 * Versions: an agent offering `summarize:v3` serves requests for `summarize:v3` and, being
 * newer, for `summarize:v1` and `summarize:v2` too (the lowest such version is preferred); a
 * request for plain `summarize` is served by any provider, unversioned ones first, then the
 * newest version.
 */

export interface Provider {
  agentId: string;
  agentName: string;
  versionId: string;
  versionNumber: number;
  /** The capability as the agent offers it, e.g. `summarize:v2`. */
  offered: string;
  config: AgentConfig;
}

export interface ActiveAgent {
  id: string;
  name: string;
  versionId: string;
  versionNumber: number;
  config: AgentConfig;
}

export function parseCapability(capability: string): { name: string; version: number | null } {
  const match = /^(.*):v([1-9][0-9]*)$/.exec(capability);
  return match ? { name: match[1]!, version: Number(match[2]) } : { name: capability, version: null };
}

export interface CapabilityIndex {
  /** Providers for a requested capability, best match first, ties by agent name. */
  providers(capability: string): Provider[];
  /** Every offered capability with how many agents offer it. */
  offered(): Map<string, number>;
  /**
   * Every offered capability, nearest to `capability` first (other versions of the same
   * name, then by edit distance), at most `max`, with their provider counts.
   */
  nearest(capability: string, max?: number): { capability: string; agents: number }[];
}

export function buildCapabilityIndex(agents: ActiveAgent[]): CapabilityIndex {
  const byName = new Map<string, Provider[]>();
  const counts = new Map<string, number>();
  for (const agent of [...agents].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const offered of new Set(agent.config.capabilities)) {
      const { name } = parseCapability(offered);
      const provider: Provider = {
        agentId: agent.id,
        agentName: agent.name,
        versionId: agent.versionId,
        versionNumber: agent.versionNumber,
        offered,
        config: agent.config,
      };
      byName.set(name, [...(byName.get(name) ?? []), provider]);
      counts.set(offered, (counts.get(offered) ?? 0) + 1);
    }
  }
  const cache = new Map<string, Provider[]>();
  return {
    providers(capability) {
      let found = cache.get(capability);
      if (!found) {
        const wanted = parseCapability(capability);
        const all = byName.get(wanted.name) ?? [];
        const rank = (p: Provider) => {
          const v = parseCapability(p.offered).version;
          if (wanted.version === null) return v === null ? 0 : 1_000_000 - v; // unversioned, then newest
          return v === null || v < wanted.version ? Number.POSITIVE_INFINITY : v - wanted.version; // exact, then the nearest newer
        };
        found = all.filter((p) => Number.isFinite(rank(p))).sort((a, b) => rank(a) - rank(b) || a.agentName.localeCompare(b.agentName));
        // One entry per agent: an agent offering v2 and v3 serves once, at its best match.
        found = found.filter((p, i) => found!.findIndex((q) => q.agentId === p.agentId) === i);
        cache.set(capability, found);
      }
      return found;
    },
    offered: () => counts,
    nearest(capability, max = 5) {
      const wanted = parseCapability(capability).name;
      const lower = capability.toLowerCase();
      // Edit distance, but a longer name that starts with (nearly) what was asked, or contains
      // it, is near too: `summarise` is close to `summarize-short`, not only to `summarize`.
      const distance = (offered: string) => {
        const other = offered.toLowerCase();
        const whole = editDistance(lower, other);
        const prefix = other.length > lower.length ? editDistance(lower, other.slice(0, lower.length)) + 0.5 : whole;
        const contained = other.includes(lower) || lower.includes(other) ? 1 : whole;
        return Math.min(whole, prefix, contained);
      };
      return [...counts.keys()]
        .map((offered) => ({ offered, sameName: parseCapability(offered).name === wanted ? 0 : 1, distance: distance(offered) }))
        .sort((a, b) => a.sameName - b.sameName || a.distance - b.distance || a.offered.localeCompare(b.offered))
        .slice(0, max)
        .map(({ offered }) => ({ capability: offered, agents: counts.get(offered) ?? 0 }));
    },
  };
}

/** How many offered capabilities a "no agent offers" reason names before "and N more". */
export const NEAREST_SHOWN = 5;

/**
 * The router's answer when nobody offers a capability: what the workspace does offer, nearest
 * first (all of it when short), so a typo or a wrong name is one look away.
 */
export function noProviderReason(
  index: CapabilityIndex,
  capability: string,
): { reason: string; nearest: { capability: string; agents: number }[]; more: number } {
  const nearest = index.nearest(capability, NEAREST_SHOWN);
  const more = index.offered().size - nearest.length;
  const head = `No agent offers "${capability}".`;
  if (nearest.length === 0)
    return {
      reason: `${head} No agent in this workspace offers anything yet: create one under Agents, or with \`caxton agent push <file>\`.`,
      nearest,
      more,
    };
  const listed = nearest.map((n) => `${n.capability} (${n.agents} agent${n.agents === 1 ? "" : "s"})`);
  const tail = more > 0 ? `, and ${more} more capabilit${more === 1 ? "y" : "ies"}` : "";
  return { reason: `${head} Nearest: ${listed.join(", ")}${tail}.`, nearest, more };
}
