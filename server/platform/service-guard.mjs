// Runs one embedded service (PGlite, redis-server) for the supervisor and makes sure it does
// not outlive it: when the supervisor is gone (killed with SIGKILL, say), the service is
// stopped after `graceMs`, the time web and worker get to drain against it. Plain JavaScript
// so `npm run dev` (no build) runs it too.
//   node service-guard.mjs <graceMs> -- <command> [args...]
// The supervisor signals this process's whole group (service-guard and service alike), so
// it forwards nothing itself: it only mirrors the service's exit.
import { spawn } from "node:child_process";
import { clearInterval, setInterval, setTimeout } from "node:timers";

const graceMs = Number(process.argv[2]);
const [command, ...args] = process.argv.slice(process.argv.indexOf("--") + 1);
const service = spawn(command, args, { stdio: "inherit" });
service.on("error", (error) => {
  process.stderr.write(`cannot start ${command}: ${error.message}\n`);
  process.exit(127);
});
const ignored = ["SIGTERM", "SIGINT", "SIGHUP"];
const ignore = () => {};
for (const signal of ignored) process.on(signal, ignore);
service.on("exit", (code, signal) => {
  if (code !== null || !signal) process.exit(code ?? 1);
  // Die of the same signal, so the supervisor's log says what killed the service.
  for (const s of ignored) process.off(s, ignore);
  process.kill(process.pid, signal);
});

const supervisor = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === supervisor) return;
  clearInterval(watch);
  setTimeout(() => {
    service.kill("SIGTERM");
    setTimeout(() => service.kill("SIGKILL"), 5_000).unref();
  }, graceMs);
}, 250);
