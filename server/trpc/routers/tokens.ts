import { tokenOperations as ops } from "../../operations/workspaces";
import { router } from "../init";
import { mutationOf, queryOf } from "../procedure";

export const tokensRouter = router({
  list: queryOf(ops.list),
  create: mutationOf(ops.create),
  revoke: mutationOf(ops.revoke),
});
