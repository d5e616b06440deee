"use client";

import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@/server/trpc/root";

/** `useTRPC()` gives typed query/mutation options for TanStack Query hooks. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
