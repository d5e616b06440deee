import { secretOperations as ops } from "../../operations/secrets";
import { restRoutes } from "../rest-operation";

/** Write-only: values go in, only names and dates come out. */
export const secretRoutes = restRoutes([ops.list, ops.set, ops.delete]);
