import { usageOperations as ops } from "../../operations/workspaces";
import { router } from "../init";
import { mutationOf, queryOf } from "../procedure";

export const usageRouter = router({
  get: queryOf(ops.get),
  setQuota: mutationOf(ops.setQuota),
});
