import { dispatchV1 } from "@/server/api/v1";

export const dynamic = "force-dynamic";

// Every /api/v1 route is declared in server/api/v1 (one table feeds routing and OpenAPI).
export { dispatchV1 as GET, dispatchV1 as POST, dispatchV1 as PATCH, dispatchV1 as DELETE, dispatchV1 as PUT };
