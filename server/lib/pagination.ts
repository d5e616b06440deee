import { z } from "zod";

/** Cursor pagination for every list: newest first unless a list names its order, `cursor` is the last id of the previous page. */
export const pageQuerySchema = z.object({
  cursor: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Prisma arguments for one page: one extra row tells whether another page follows. */
export function pageArgs<O extends object = { createdAt: "desc" }>(query: PageQuery, order?: O) {
  return {
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    orderBy: [order ?? { createdAt: "desc" as const }, { id: "desc" as const }],
  };
}

export function toPage<T extends { id: string }, U>(rows: T[], query: PageQuery, map: (row: T) => U): Page<U> {
  const more = rows.length > query.limit;
  const items = more ? rows.slice(0, query.limit) : rows;
  return { items: items.map(map), nextCursor: more ? items[items.length - 1]!.id : null };
}
