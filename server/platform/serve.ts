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
import { acquireDataDirLock, AlreadyRunningError, clearRunningState, writeRunningState } from "./running-state";
import { stopSignals, watchParent } from "./stop-signals";
import { supervise, type Supervised } from "./supervised";
import type { SupervisorMessage } from "./supervisor-report";

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
 * processes under one supervisor, which starts either again when it dies (supervised.ts).
 * SIGINT/SIGTERM/SIGHUP, or the death of the process that started it, stop everything in
 * order: web and worker drain first, the services they need go last. One supervisor per
 * data dir (a lock file). Resolves with the exit code.
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

  let releaseLock: () => void;
  try {
    mkdirSync(config.dataDir, { recursive: true });
    // Before anything touches the data dir: a second start would kill the first one's database.
    releaseLock = acquireDataDirLock(config.dataDir, config.publicUrl ?? `http://${shownHost(config.host)}:${config.port}`);
  } catch (error) {
    const message =
      error instanceof AlreadyRunningError ? error.message : `cannot use the data dir ${config.dataDir}: ${(error as Error).message}`;
    logger.error({ event: "start failed" }, message);
    process.stderr.write(`\n${message}\n`);
    return 1;
  }

  const services: Supervised[] = [];
  const processes: Supervised[] = [];
  let stopping: Promise<number> | undefined;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const onSignal = (signal: NodeJS.Signals) => void stopAll(0, signal);
  for (const signal of stopSignals) process.on(signal, onSignal);
  // Run by npm (or another package runner), Caxton lives only as long as it: npm killed
  // with SIGKILL must not leave it running. Started directly, it may outlive its parent
  // (`nohup caxton serve &`).
  const stopWatchingParent = process.env.npm_lifecycle_event ? watchParent(() => void stopAll(0, "parent process exited")) : () => {};

  function stopAll(code: number, reason: string): Promise<number> {
    stopping ??= (async () => {
      const t = performance.now();
      logger.info({ event: "shutting down", reason }, "shutting down");
      stopWatchingParent();
      // Web and worker drain within shutdown.timeout_ms; past that (plus a margin) they are killed.
      await Promise.all(processes.map((p) => p.stop(config.shutdownTimeoutMs + 5_000)));
      await Promise.all(services.map((s) => s.stop(5_000)));
      clearRunningState(config.dataDir);
      releaseLock();
      logger.info({ event: "stopped", durationMs: since(t) }, "stopped");
      for (const signal of stopSignals) process.off(signal, onSignal);
      finish(code);
      return code;
    })();
    return stopping;
  }

  try {
    // Should the supervisor die, the services outlive it as long as web and worker drain.
    const drainMs = config.shutdownTimeoutMs + 1_000;
    const databaseUrl = config.databaseUrl ?? (await embedded("postgres", () => startEmbeddedPostgres(config.dataDir, drainMs)));
    const redisUrl = config.redisUrl ?? (await embedded("redis", () => startEmbeddedRedis(config.dataDir, undefined, drainMs)));

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
    const run = (name: string, entry: string, readyEvent: ChildMessage["event"], args: string[] = [], flags: string[] = []) => {
      const nodeArgs = options.dev ? ["--import", "tsx", fromRoot(`${entry}.ts`)] : [fromRoot(`dist/${entry.split("/")[0]}.mjs`)];
      const supervised = supervise({
        name,
        logger,
        spawn: () =>
          startChild(name, process.execPath, [...flags, ...nodeArgs, ...args], {
            env,
            cwd: fromRoot(),
            stdio: ["inherit", "inherit", "inherit", "ipc"],
          }),
        ready: async (child) => {
          await waitFor(child, readyEvent);
          if (name === "web") reportTo(child);
        },
        onChange: report,
      });
      processes.push(supervised);
      return supervised;
    };

    const web = run("web", "web/main", "listening", options.dev ? ["--dev"] : []);
    const worker = run("worker", "worker/main", "ready", [], quietWorkerFlags());
    const [listening] = await Promise.all([web.start().then((child) => lastMessage.get(child)), worker.start()]);
    if (stopping) return await stopping;
    const { url, signInLink } = listening as Extract<ChildMessage, { event: "listening" }>;
    writeRunningState(config.dataDir, { pid: process.pid, url, databaseUrl, redisUrl });
    // The banner below says how to sign in; the log line only records that local sign-in is on.
    logger.info({ event: "ready", url, localSignIn: Boolean(signInLink), durationMs: since(startedAt) }, `Caxton is ready: open ${url}`);
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

  // The web process shows the supervisor's view of its processes in health.
  function reportTo(web: Child) {
    const message: SupervisorMessage = { event: "supervisor", report: { processes: [...processes, ...services].map((p) => p.state()) } };
    if (web.process.connected) web.process.send(message, () => {});
  }
  function report() {
    const web = processes[0]?.current();
    if (web) reportTo(web);
  }

  async function embedded(name: string, start: () => Promise<EmbeddedService>): Promise<string> {
    const t = performance.now();
    const service = await start();
    // Kept running like web and worker, on the same port and data: web and worker reconnect
    // by themselves (a Redis restart loses nothing: its append-only file, the recovery sweep).
    const supervised = supervise({ name, logger, spawn: service.spawn, ready: service.ready, onChange: report });
    supervised.adopt(service.child);
    services.push(supervised);
    logger.info({ event: `${name} started`, url: redactUrl(service.url), durationMs: since(t) }, `embedded ${name} started`);
    return service.url;
  }
}

function shownHost(host: string): string {
  return ["0.0.0.0", "127.0.0.1", "::"].includes(host) ? "localhost" : host;
}

/**
 * Node prints an ExperimentalWarning the first time a WASM tool runs (node:wasi); it says
 * nothing an operator can act on. Other warnings still print. (--disable-warning: Node 20.11+.)
 */
function quietWorkerFlags(): string[] {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 20 || (major === 20 && minor >= 11) ? ["--disable-warning=ExperimentalWarning"] : [];
}

const lastMessage = new WeakMap<Child, ChildMessage>();

function waitFor(child: Child, event: ChildMessage["event"]): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    child.process.on("message", (message: ChildMessage) => {
      if (message.event !== event) return;
      lastMessage.set(child, message);
      resolve(message);
    });
    void child.exited.then((code) => reject(new Error(`${child.name} exited (code ${code}) before it was ${event}`)));
  });
}
