import { agentOperations as ops } from "../../operations/agents";
import { router } from "../init";
import { mutationOf, queryOf } from "../procedure";

export const agentsRouter = router({
  list: queryOf(ops.list),
  get: queryOf(ops.get),
  validate: queryOf(ops.validate),
  push: mutationOf(ops.push),
  versions: queryOf(ops.versions),
  version: queryOf(ops.version),
  diff: queryOf(ops.diff),
  activate: mutationOf(ops.activate),
  templates: queryOf(ops.templates),
  createFromTemplate: mutationOf(ops.createFromTemplate),
  delete: mutationOf(ops.delete),
});
