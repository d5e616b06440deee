import { messageOperations as ops } from "../../operations/messages";
import { restRoutes } from "../rest-operation";

export const messageRoutes = restRoutes([ops.send, ops.conversation]);
