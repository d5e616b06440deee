import { z } from "zod";
import { createDispatcher } from "../dispatch";
import { openApiDocument } from "../openapi";
import { route, type Route } from "../route";
import { agentRoutes } from "./agents";
import { identityRoutes } from "./identity";
import { messageRoutes } from "./messages";
import { secretRoutes } from "./secrets";
import { toolRoutes } from "./tools";

/** Every /api/v1 route. Later domains (agents, tools, messages) add their lists here. */
const domainRoutes: Route[] = [...identityRoutes, ...agentRoutes, ...toolRoutes, ...messageRoutes, ...secretRoutes];

const openApiRoute = route({
  method: "GET",
  path: "/openapi.json",
  tag: "Meta",
  summary: "This document",
  auth: false,
  response: z.record(z.string(), z.unknown()),
  async handler() {
    return openApiDocument(v1Routes);
  },
});

export const v1Routes: Route[] = [openApiRoute, ...domainRoutes];
export const dispatchV1 = createDispatcher(v1Routes);
