import { mkdirSync } from "node:fs";
import type { Config } from "../config/keys";
import { ConfigError, loadConfig } from "../config/load";
import { migrate } from "../db/migrate";
import { utcText } from "../lib/time";
import { createLogger, redactUrl, since } from "../observability/logger";
import { startChild, type Child } from "./child";
import { startEmbeddedPostgres, type EmbeddedService } from "./embedded-postgres";
import { RedisMissingError, startEmbeddedRedis } from "./embedded-redis";
import { ensureAuthSecret } from "./auth-secret";
import { fromRoot } from "./paths";
import { clearRunningState, writeRunningState } from "./running-state";

export interface ServeOptions {
  /** Next.js dev server and TypeScript sources instead of the production build. */
  dev?: boolean;
}

type ChildMessage = { event: "listening"; url: string; signInLink?: SignInLink } | { event: "ready" };
export interface SignInLink {
  url: string;
  expiresAt: string;
  reason: string;
}

/**
 * `npm start` / `caxton serve`: validates the configuration, brings up the embedded
 * database and Redis when none is configured, migrates, then runs the web and worker
 * processes under one supervisor. SIGINT/SIGTERM stop everything in order: web and worker
 * drain first, the services they need go last. Resolves with the exit code.
 */
export async function serve(options: ServeOptions = {}): Promise<number> {
  const startedAt = performance.now();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  // `npm run dev` logs for people unless LOG_FORMAT says otherwise.
  const logFormat = options.dev && !process.env.LOG_FORMAT ? "pretty" : config.logFormat;
  const logger = createLogger("supervisor", { level: config.logLevel, format: logFormat });
  logger.info({ event: "starting", dev: Boolean(options.dev) }, "starting Caxton");

  const services: EmbeddedService[] = [];
  const children: Child[] = [];
  let stopping: Promise<number> | undefined;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const onSignal = (signal: NodeJS.Signals) => void stopAll(0, signal);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  function stopAll(code: number, reason: string): Promise<number> {
    stopping ??= (async () => {
      const t = performance.now();
      logger.info({ event: "shutting down", reason }, "shutting down");
      // Web and worker drain within shutdown.timeout_ms; past that (plus a margin) they are killed.
      await Promise.all(children.map((c) => c.stop(config.shutdownTimeoutMs + 5_000)));
      await Promise.all(services.map((s) => s.child.stop(5_000)));
      clearRunningState(config.dataDir);
      logger.info({ event: "stopped", durationMs: since(t) }, "stopped");
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      finish(code);
      return code;
    })();
    return stopping;
  }


  try {
    mkdirSync(config.dataDir, { recursive: true });
    const databaseUrl = config.databaseUrl ?? (await embedded("postgres", () => startEmbeddedPostgres(config.dataDir)));
    const redisUrl = config.redisUrl ?? (await embedded("redis", () => startEmbeddedRedis(config.dataDir)));

    const t = performance.now();
    const migrated = await migrate(databaseUrl);
    logger.info({ event: "migrated", applied: migrated.applied, durationMs: since(t) }, "database migrated");
    if (stopping) return await stopping;

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      AUTH_SECRET: ensureAuthSecret(config.dataDir, config.authSecret),
      PORT: String(config.port),
      HOST: config.host,
      LOG_LEVEL: config.logLevel,
      LOG_FORMAT: logFormat,
      NODE_ENV: options.dev ? "development" : "production",
    };
    const run = (name: string, entry: string, args: string[] = []) => {
      const nodeArgs = options.dev ? ["--import", "tsx", fromRoot(`${entry}.ts`)] : [fromRoot(`dist/${entry.split("/")[0]}.mjs`)];
      const child = startChild(name, process.execPath, [...nodeArgs, ...args], {
        env,
        cwd: fromRoot(),
        stdio: ["inherit", "inherit", "inherit", "ipc"],
      });
      void child.exited.then((code) => {
        if (!stopping) {
          logger.error({ process: name, code }, `${name} exited unexpectedly; stopping Caxton`);
          void stopAll(1, `${name} exited`);
        }
      });
      children.push(child);
      return child;
    };

    const web = run("web", "web/main", options.dev ? ["--dev"] : []);
    const worker = run("worker", "worker/main");
    const [listening] = await Promise.all([waitFor(web, "listening"), waitFor(worker, "ready")]);
    if (stopping) return await stopping;
    const { url, signInLink } = listening as Extract<ChildMessage, { event: "listening" }>;
    writeRunningState(config.dataDir, { pid: process.pid, url, databaseUrl, redisUrl });
    logger.info({ event: "ready", url, durationMs: since(startedAt) }, `Caxton is ready: open ${url}`);
    if (signInLink) logger.warn({ event: "local sign-in enabled", reason: signInLink.reason }, "local operator sign-in is enabled");
    if (logger.level !== "silent") {
      const lines = [`  Caxton is running at ${url}`];
      if (signInLink) {
        lines.push(
          "",
          `  Sign in as the local operator (single use, until ${utcText(signInLink.expiresAt)}):`,
          `    ${signInLink.url}`,
          `  ${signInLink.reason}`,
        );
      }
      lines.push("  Press Ctrl-C to stop.");
      process.stdout.write(`\n${lines.join("\n")}\n\n`);
    }
  } catch (error) {
    if (!stopping) {
      const message = error instanceof RedisMissingError ? error.message : `start-up failed: ${(error as Error).message}`;
      logger.error({ event: "start failed", err: error }, message);
      if (error instanceof RedisMissingError) process.stderr.write(`\n${error.message}\n`);
      return await stopAll(1, "start-up failed");
    }
  }
  return finished;

  async function embedded(name: string, start: () => Promise<EmbeddedService>): Promise<string> {
    const t = performance.now();
    const service = await start();
    services.push(service);
    logger.info({ event: `${name} started`, url: redactUrl(service.url), durationMs: since(t) }, `embedded ${name} started`);
    void service.child.exited.then((code) => {
      if (!stopping) {
        logger.error({ service: name, code }, `embedded ${name} exited unexpectedly; stopping Caxton`);
        void stopAll(1, `${name} exited`);
      }
    });
    return service.url;
  }
}

function waitFor(child: Child, event: ChildMessage["event"]): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    child.process.on("message", (message: ChildMessage) => {
      if (message.event === event) resolve(message);
    });
    void child.exited.then((code) => reject(new Error(`${child.name} exited (code ${code}) before it was ${event}`)));
  });
}
