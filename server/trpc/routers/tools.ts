import { toolOperations as ops } from "../../operations/tools";
import { router } from "../init";
import { mutationOf, queryOf } from "../procedure";

export const toolsRouter = router({
  list: queryOf(ops.list),
  get: queryOf(ops.get),
  versions: queryOf(ops.versions),
  invocations: queryOf(ops.invocations),
  invocation: queryOf(ops.invocation),
  run: mutationOf(ops.run),
  upload: mutationOf(ops.upload),
  delete: mutationOf(ops.delete),
});
