"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, splitLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import { TRPCProvider } from "./trpc";
import type { AppRouter } from "@/server/trpc/root";

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1 } } }));
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          // A query with a long input (an agent document being validated) goes as POST: in a
          // GET URL it would pass the server's 16 KiB header limit and be refused with 431.
          condition: (op) => op.type === "query" && JSON.stringify(op.input ?? null).length > 2_000,
          true: httpBatchLink({ url: "/api/trpc", methodOverride: "POST" }),
          false: httpBatchLink({ url: "/api/trpc" }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
