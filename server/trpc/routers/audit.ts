import { auditOperations as ops } from "../../operations/workspaces";
import { router } from "../init";
import { queryOf } from "../procedure";

export const auditRouter = router({
  list: queryOf(ops.list),
});
