/**
 * A workspace's quota overrides as one JSON object (`{ name: limit }`), for the select list
 * of a statement that reads something else of the workspace anyway (an API token, a request
 * being delivered), so the limits come along without a query of their own.
 */
export const QUOTA_OVERRIDES_SQL = (workspaceIdColumn: string) =>
  `(SELECT COALESCE(json_object_agg(q.name, q."limit"), '{}'::json) FROM "Quota" q WHERE q."workspaceId" = ${workspaceIdColumn})`;
