import type { TestProject } from "vitest/node";
import { startTestServices } from "./services";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

/** Runs once before all vitest files: finds the database and Redis, shares their URLs. */
export default async function setup(project: TestProject) {
  const services = await startTestServices();
  console.log(`[tests] database: ${services.databaseMode}; redis: ${services.redisMode}`);
  project.provide("databaseUrl", services.databaseUrl);
  project.provide("redisUrl", services.redisUrl);
  return () => services.stop();
}
