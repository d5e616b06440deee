import http from "node:http";
import next from "next";
import { getConfig } from "../server/config/load";
import { mintOperatorLink, operatorSignInEnabled } from "../server/auth/operator";
import { closeDb } from "../server/db/client";
import { AppError, errorReply } from "../server/lib/errors";
import { createLogger, since } from "../server/observability/logger";
import { fromRoot } from "../server/platform/paths";
import { onStopSignals } from "../server/platform/stop-signals";
import { isSupervisorMessage, setSupervisorReport } from "../server/platform/supervisor-report";
import { closeQueues } from "../server/queue/queues";
import { closeRedis } from "../server/redis";
import { isRestRequest, serveRest } from "./rest";

/**
 * The web process: Next.js behind our own HTTP server, so that shutdown is ours to
 * order: stop accepting, let in-flight requests finish (bounded), then close the pools
 * that route handlers opened (they live on globalThis, shared with this module).
 */
async function main() {
  const started = performance.now();
  const dev = process.argv.includes("--dev");
  const config = getConfig();
  const logger = createLogger("web", { level: config.logLevel, format: config.logFormat });
  logger.info({ event: "starting", dev }, "web starting");

  // Under `caxton serve`: the supervisor's view of its processes, for health.
  process.on("message", (message) => {
    if (isSupervisorMessage(message)) setSupervisorReport(message.report);
  });
  const app = next({ dev, dir: fromRoot(), hostname: config.host, port: config.port });
  await quietly(/Running next\.config\.\w+ took /, () => app.prepare());
  const handle = app.getRequestHandler();

  let shuttingDown = false;
  const server = http.createServer((req, res) => {
    // Keep-alive sockets would hold shutdown open; ask clients to reconnect elsewhere.
    if (shuttingDown) res.setHeader("Connection", "close");
    if (!hasValidPath(req.url)) {
      // Next answers a malformed %-escape with a bare 500; it is the client's mistake.
      const reply = errorReply(
        new AppError("bad_request", "The URL has a malformed %-escape.", { hint: "Percent-encode the path correctly." }),
      );
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
      return;
    }
    if (isRestRequest(req.url)) void serveRest(req, res, `http://${req.headers.host ?? `localhost:${config.port}`}`);
    else void handle(req, res);
  });
  server.on("error", (error) => {
    logger.fatal({ err: error }, `cannot listen on ${config.host}:${config.port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const shownHost = ["0.0.0.0", "127.0.0.1", "::"].includes(config.host) ? "localhost" : config.host;
    const url = config.publicUrl ?? `http://${shownHost}:${config.port}`;
    logger.info({ event: "listening", url, durationMs: since(started) }, `listening on ${url}`);
    void localSignInLink(url).then(
      (signInLink) => process.send?.({ event: "listening", url, signInLink }),
      (error) => {
        logger.error({ err: error }, "could not create the local sign-in link");
        process.send?.({ event: "listening", url });
      },
    );
  });

  onStopSignals(async (signal) => {
    shuttingDown = true;
    const t = performance.now();
    logger.info({ event: "shutting down", signal }, "web shutting down");
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      logger.warn({ timeoutMs: config.shutdownTimeoutMs }, "requests still running at the shutdown deadline; closing them");
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    await closed;
    clearTimeout(timer);
    await app.close?.();
    await Promise.all([closeQueues(), closeRedis(), closeDb()]);
    logger.info({ event: "stopped", durationMs: since(t) }, "web stopped");
  });
}

/**
 * Next prints how long loading next.config.js took on every start, with no option to turn
 * it off; the supervisor's lifecycle lines already time the start. Only that one line is
 * dropped, and only while `work` runs.
 */
async function quietly<T>(line: RegExp, work: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && line.test(args[0])) return;
    log(...args);
  };
  try {
    return await work();
  } finally {
    console.log = log;
  }
}

function hasValidPath(url = "/"): boolean {
  try {
    decodeURIComponent(url.split("?")[0]!);
    return true;
  } catch {
    return false;
  }
}

/** The one-time local operator link, when that sign-in is enabled (see server/auth/operator.ts). */
async function localSignInLink(url: string) {
  if (!operatorSignInEnabled()) return undefined;
  const link = await mintOperatorLink(undefined, url);
  const config = getConfig();
  const reason =
    config.localOperator === "on"
      ? "Enabled by CAXTON_LOCAL_OPERATOR=on."
      : "Enabled because GitHub sign-in is not configured (set AUTH_GITHUB_ID and AUTH_GITHUB_SECRET, or CAXTON_LOCAL_OPERATOR=off). New link: `caxton admin login-link`.";
  return { url: link.url, expiresAt: link.expiresAt.toISOString(), reason };
}

main().catch((error) => {
  process.stderr.write(`web failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
