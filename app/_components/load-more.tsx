"use client";

/** The "Load more" of every cursor-paginated list: shown while another page follows. */
export function LoadMore({
  query,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
}) {
  if (!query.hasNextPage) return null;
  return (
    <button
      type="button"
      disabled={query.isFetchingNextPage}
      onClick={() => void query.fetchNextPage()}
      className="mt-3 text-sm font-medium text-brand-700 disabled:opacity-50"
    >
      {query.isFetchingNextPage ? "Loading…" : "Load more"}
    </button>
  );
}
