"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";

export type PushResult = inferRouterOutputs<AppRouter>["agents"]["push"];

const keyOf = (slug: string, name: string) => ["caxton", "last-push", slug, name] as const;

/**
 * The result of the last save of an agent, kept in the query cache across the client-side
 * navigation from the editor (or the gallery) to the agent page, which shows it once.
 */
export function useLastPush(slug: string, name: string) {
  const queryClient = useQueryClient();
  const last = useQuery({ queryKey: keyOf(slug, name), queryFn: () => null as PushResult | null, staleTime: Infinity });
  return { result: last.data ?? null, dismiss: () => queryClient.setQueryData(keyOf(slug, name), null) };
}

export function useRememberPush(slug: string) {
  const queryClient = useQueryClient();
  return (result: PushResult) => queryClient.setQueryData(keyOf(slug, result.agent.name), result);
}
