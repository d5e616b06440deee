import { secretOperations as ops } from "../../operations/secrets";
import { router } from "../init";
import { mutationOf, queryOf } from "../procedure";

/** Write-only, as over REST: values go in, only names, dates and authors come out. */
export const secretsRouter = router({
  list: queryOf(ops.list),
  set: mutationOf(ops.set),
  delete: mutationOf(ops.delete),
});
