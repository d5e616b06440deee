import { z, type ZodError } from "zod";
import { AppError } from "./errors";

/** Cursors are row ids (cuid or uuid); anything else was not handed out by a list. */
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** Cursor pagination for every list: newest first unless a list names its order, `cursor` is the last id of the previous page. */
export const pageQuerySchema = z.object({
  cursor: z.string().regex(CURSOR_PATTERN, "Not a cursor this API handed out").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

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

/** A page query refused only for its cursor: `invalid_cursor`, so a client knows to restart from the first page. */
export function cursorError(error: ZodError): AppError | null {
  if (!error.issues.length || !error.issues.every((issue) => issue.path[0] === "cursor")) return null;
  return new AppError("invalid_cursor", "The `cursor` is not one this API handed out.", {
    hint: "Pass the `nextCursor` of the previous page unchanged, or leave `cursor` out to start from the first page.",
    details: [{ in: "query", path: "cursor", code: "invalid_cursor" }],
  });
}
