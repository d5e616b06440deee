import { messageOperations as ops } from "../../operations/messages";
import { router } from "../init";
import { mutationOf, queryOf } from "../procedure";

export const messagesRouter = router({
  send: mutationOf(ops.send),
  conversation: queryOf(ops.conversation),
  conversations: queryOf(ops.conversations),
});
