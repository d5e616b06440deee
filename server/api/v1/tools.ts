import { toolOperations as ops } from "../../operations/tools";
import { restRoutes } from "../rest-operation";

export const toolRoutes = restRoutes([ops.list, ops.upload, ops.get, ops.delete, ops.versions, ops.run, ops.invocations, ops.invocation]);
