import { z } from "zod";
import { allowRuleProblem } from "../network/policy";

/**
 * Every setting Caxton reads, in one table: where it comes from (a `caxton.toml` key and
 * an environment variable, env wins), what it accepts and what it defaults to. The README's
 * configuration table mirrors this list (a test keeps them in step).
 */
export interface ConfigKey<T> {
  /** Dotted path in caxton.toml, e.g. `database.url`. */
  toml: string;
  env: string;
  description: string;
  /** Human words for what is accepted, used in error messages. */
  allowed: string;
  schema: z.ZodType<T>;
  default?: NoInfer<T>;
}

const key = <T>(k: ConfigKey<T>) => k;

const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\/.+/.test(v), "not a postgres:// URL");
const allowList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[\s,]+/)).map((item) => item.trim()).filter((item) => item !== ""))
  .refine((rules) => rules.every((rule) => allowRuleProblem(rule) === null), "not a list of host[:port], address[:port] or CIDR[:port]");
const redisUrl = z.string().refine((v) => /^rediss?:\/\/.+/.test(v), "not a redis:// URL");

export const configKeys = {
  port: key({
    toml: "port",
    env: "PORT",
    description: "HTTP port of the web app.",
    allowed: "a whole number from 1 to 65535",
    schema: z.coerce.number().int().min(1).max(65535),
    default: 8080,
  }),
  host: key({
    toml: "host",
    env: "HOST",
    description: "Interface to listen on; 0.0.0.0 exposes Caxton to the network.",
    allowed: "an IP address or host name",
    schema: z.string().min(1),
    default: "127.0.0.1",
  }),
  dataDir: key({
    toml: "data_dir",
    env: "CAXTON_DATA_DIR",
    description: "Where the embedded database and Redis keep their files.",
    allowed: "a directory path",
    schema: z.string().min(1),
    default: ".caxton",
  }),
  databaseUrl: key({
    toml: "database.url",
    env: "DATABASE_URL",
    description: "PostgreSQL (with pgvector). Unset: an embedded PGlite database in data_dir.",
    allowed: "a postgres:// or postgresql:// URL",
    schema: postgresUrl.optional(),
  }),
  redisUrl: key({
    toml: "redis.url",
    env: "REDIS_URL",
    description: "Redis 7. Unset: redis-server from PATH, started with its data in data_dir.",
    allowed: "a redis:// or rediss:// URL",
    schema: redisUrl.optional(),
  }),
  redisPrefix: key({
    toml: "redis.prefix",
    env: "CAXTON_REDIS_PREFIX",
    description: "Prefix of every Redis key, so several installs can share one Redis.",
    allowed: "letters, digits, '-', '_' and ':'",
    schema: z.string().regex(/^[A-Za-z0-9:_-]+$/),
    default: "caxton",
  }),
  logLevel: key({
    toml: "log.level",
    env: "LOG_LEVEL",
    description: "Least severe log level written.",
    allowed: "one of trace, debug, info, warn, error, fatal, silent",
    schema: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]),
    default: "info",
  }),
  logFormat: key({
    toml: "log.format",
    env: "LOG_FORMAT",
    description: "json (one object a line) or pretty (for people; the default of `npm run dev`).",
    allowed: "json or pretty",
    schema: z.enum(["json", "pretty"]),
    default: "json",
  }),
  shutdownTimeoutMs: key({
    toml: "shutdown.timeout_ms",
    env: "CAXTON_SHUTDOWN_TIMEOUT_MS",
    description: "How long in-flight requests and jobs may take to finish on shutdown.",
    allowed: "a whole number of milliseconds from 0 to 600000",
    schema: z.coerce.number().int().min(0).max(600_000),
    default: 10_000,
  }),
  workerConcurrency: key({
    toml: "worker.concurrency",
    env: "CAXTON_WORKER_CONCURRENCY",
    description: "Jobs one worker process runs at once.",
    allowed: "a whole number from 1 to 1000",
    schema: z.coerce.number().int().min(1).max(1000),
    default: 8,
  }),
  jobLockMs: key({
    toml: "worker.job_lock_ms",
    env: "CAXTON_JOB_LOCK_MS",
    description: "How long a job stays claimed by a worker that stopped answering; then another worker takes it over.",
    allowed: "a whole number of milliseconds from 1000 to 600000",
    schema: z.coerce.number().int().min(1_000).max(600_000),
    default: 30_000,
  }),
  heartbeatIntervalMs: key({
    toml: "worker.heartbeat_ms",
    env: "CAXTON_HEARTBEAT_MS",
    description: "How often a worker reports it is alive; health fails after three missed beats.",
    allowed: "a whole number of milliseconds from 100 to 60000",
    schema: z.coerce.number().int().min(100).max(60_000),
    default: 5_000,
  }),
  workerMaxRssMb: key({
    toml: "worker.max_rss_mb",
    env: "CAXTON_WORKER_MAX_RSS_MB",
    description: "Resident memory past which a worker stops taking jobs, finishes the ones it holds and exits (code 75) to be replaced.",
    allowed: "a whole number of MiB from 64 to 65536",
    schema: z.coerce.number().int().min(64).max(65_536),
    default: 1_536,
  }),
  toolMaxOutputBytes: key({
    toml: "tools.max_output_bytes",
    env: "CAXTON_TOOL_MAX_OUTPUT_BYTES",
    description: "Largest output one tool call may return (as JSON); a larger one fails as output_too_large and is not kept.",
    allowed: "a whole number of bytes from 1024 to 67108864",
    schema: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(64 << 20),
    default: 1 << 20,
  }),
  workerStuckMs: key({
    toml: "worker.stuck_after_ms",
    env: "CAXTON_WORKER_STUCK_MS",
    description: "Health fails when every slot of a queue has held the same jobs this long (no job finished).",
    allowed: "a whole number of milliseconds from 1000 to 86400000",
    schema: z.coerce.number().int().min(1_000).max(86_400_000),
    default: 120_000,
  }),
  recoveryIntervalMs: key({
    toml: "worker.recovery_interval_ms",
    env: "CAXTON_RECOVERY_INTERVAL_MS",
    description: "How often a worker re-enqueues requests still queued or running whose job Redis lost (after a Redis restart).",
    allowed: "a whole number of milliseconds from 100 to 600000",
    schema: z.coerce.number().int().min(100).max(600_000),
    default: 10_000,
  }),
  publicUrl: key({
    toml: "public_url",
    env: "CAXTON_PUBLIC_URL",
    description: "Address people use to reach Caxton, for links (invitations, sign-in). Default: http://localhost:<port>.",
    allowed: "an http:// or https:// URL",
    schema: z
      .string()
      .url()
      .refine((v) => /^https?:\/\//.test(v), "not http(s)")
      .optional(),
  }),
  authSecret: key({
    toml: "auth.secret",
    env: "AUTH_SECRET",
    description: "Secret that signs sessions. Unset: generated once and kept in data_dir/auth-secret.",
    allowed: "a random string of at least 32 characters (e.g. `openssl rand -base64 32`)",
    schema: z.string().min(32).optional(),
  }),
  githubClientId: key({
    toml: "auth.github.client_id",
    env: "AUTH_GITHUB_ID",
    description: "Client ID of your GitHub OAuth app; with the secret, enables “Sign in with GitHub”.",
    allowed: "the OAuth app's client ID",
    schema: z.string().min(1).optional(),
  }),
  githubClientSecret: key({
    toml: "auth.github.client_secret",
    env: "AUTH_GITHUB_SECRET",
    description: "Client secret of that GitHub OAuth app.",
    allowed: "the OAuth app's client secret",
    schema: z.string().min(1).optional(),
  }),
  githubUrl: key({
    toml: "auth.github.url",
    env: "AUTH_GITHUB_URL",
    description: "GitHub Enterprise base URL (e.g. https://github.example.com). Unset: github.com.",
    allowed: "an http:// or https:// URL",
    schema: z.string().url().optional(),
  }),
  localOperator: key({
    toml: "auth.local_operator",
    env: "CAXTON_LOCAL_OPERATOR",
    description: "One-time sign-in link for a local operator, printed at start. auto: only while GitHub is not configured.",
    allowed: "auto, on or off",
    schema: z.enum(["auto", "on", "off"]),
    default: "auto",
  }),
  breakerFailures: key({
    toml: "routing.breaker_failures",
    env: "CAXTON_BREAKER_FAILURES",
    description: "Failed turns of an agent within the window that open its circuit breaker.",
    allowed: "a whole number from 1 to 1000",
    schema: z.coerce.number().int().min(1).max(1_000),
    default: 5,
  }),
  breakerWindowMs: key({
    toml: "routing.breaker_window_ms",
    env: "CAXTON_BREAKER_WINDOW_MS",
    description: "Window in which failures are counted, in milliseconds.",
    allowed: "a whole number from 100 to 3600000",
    schema: z.coerce.number().int().min(100).max(3_600_000),
    default: 60_000,
  }),
  breakerCoolDownMs: key({
    toml: "routing.breaker_cool_down_ms",
    env: "CAXTON_BREAKER_COOL_DOWN_MS",
    description: "How long an open breaker stays open before a trial turn, in milliseconds.",
    allowed: "a whole number from 100 to 3600000",
    schema: z.coerce.number().int().min(100).max(3_600_000),
    default: 30_000,
  }),
  toolQuarantineBreaches: key({
    toml: "tools.quarantine_breaches",
    env: "CAXTON_TOOL_QUARANTINE_BREACHES",
    description:
      "Runs of one tool version that breach their limits (timeout, memory, a killed or wedged worker) within the window before the version is quarantined.",
    allowed: "a whole number from 1 to 1000",
    schema: z.coerce.number().int().min(1).max(1_000),
    default: 5,
  }),
  toolQuarantineWindowMs: key({
    toml: "tools.quarantine_window_ms",
    env: "CAXTON_TOOL_QUARANTINE_WINDOW_MS",
    description: "Window in which a tool version's breaches are counted, in milliseconds.",
    allowed: "a whole number from 1000 to 86400000",
    schema: z.coerce.number().int().min(1_000).max(86_400_000),
    default: 600_000,
  }),
  quotaMembers: key({
    toml: "quotas.members",
    env: "CAXTON_QUOTA_MEMBERS",
    description: "Default limit of members per workspace.",
    allowed: "a whole number from 1 to 100000",
    schema: z.coerce.number().int().min(1).max(100_000),
    default: 50,
  }),
  quotaTokens: key({
    toml: "quotas.tokens",
    env: "CAXTON_QUOTA_TOKENS",
    description: "Default limit of active API tokens per workspace.",
    allowed: "a whole number from 1 to 100000",
    schema: z.coerce.number().int().min(1).max(100_000),
    default: 100,
  }),
  quotaAgents: key({
    toml: "quotas.agents",
    env: "CAXTON_QUOTA_AGENTS",
    description: "Default limit of agents per workspace.",
    allowed: "a whole number from 1 to 100000",
    schema: z.coerce.number().int().min(1).max(100_000),
    default: 100,
  }),
  quotaToolCpuMsPerDay: key({
    toml: "quotas.tool_cpu_ms_per_day",
    env: "CAXTON_QUOTA_TOOL_CPU_MS",
    description: "Default limit of tool run time per workspace per day (UTC), in milliseconds.",
    allowed: "a whole number from 1 to 86400000",
    schema: z.coerce.number().int().min(1).max(86_400_000),
    default: 600_000,
  }),
  quotaMessagesPerMinute: key({
    toml: "quotas.messages_per_minute",
    env: "CAXTON_QUOTA_MESSAGES_PM",
    description: "Default limit of messages sent per minute, per workspace.",
    allowed: "a whole number from 1 to 1000000",
    schema: z.coerce.number().int().min(1).max(1_000_000),
    default: 600,
  }),
  quotaApiRequestsPerMinute: key({
    toml: "quotas.api_requests_per_minute",
    env: "CAXTON_QUOTA_API_RPM",
    description: "Default limit of REST API requests per minute, per token.",
    allowed: "a whole number from 1 to 1000000",
    schema: z.coerce.number().int().min(1).max(1_000_000),
    default: 600,
  }),
  networkAllow: key({
    toml: "network.allow",
    env: "CAXTON_NETWORK_ALLOW",
    description:
      "Exceptions to the network policy: addresses tools and LLM providers may reach although they are loopback, private, link-local or cloud metadata (e.g. a local Ollama: 127.0.0.1:11434).",
    allowed:
      "a comma-separated list (caxton.toml: a list) of host[:port], address[:port] or CIDR[:port], e.g. 127.0.0.1:11434, 10.0.0.0/8, [::1]:8000, ollama:11434",
    schema: allowList,
    default: [],
  }),
  networkDenyPrivate: key({
    toml: "network.deny_private",
    env: "CAXTON_NETWORK_DENY_PRIVATE",
    description:
      "Refuse tools' and providers' connections to loopback, private, link-local and other non-public addresses. false allows them all (cloud metadata stays refused unless in network.allow).",
    allowed: "true or false",
    schema: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]),
    default: true,
  }),
} as const;

type Keys = typeof configKeys;
export type Config = {
  [K in keyof Keys]: Keys[K] extends ConfigKey<infer T> ? T : never;
};
