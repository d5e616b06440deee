import { auditEventSchema, auditFilterSchema, listAudit } from "../../audit/audit";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { router, workspaceProcedure } from "../init";
import { ws } from "./shared";

export const auditRouter = router({
  list: workspaceProcedure
    .input(ws.extend(auditFilterSchema.shape).extend(pageQuerySchema.shape))
    .output(pageSchema(auditEventSchema))
    .query(({ ctx, input }) => listAudit(ctx.actor, input, input)),
});
