import { actorForSession, actorForToken, authorize, type Actor } from "../auth/actor";
import { AppError, errorResponse, internalError } from "../lib/errors";
import { guardInput } from "../lib/input-guard";
import { createLogger } from "../observability/logger";
import { connected, createRedis, quietQuit } from "../redis";
import { eventsChannel } from "./events";

/**
 * `GET /api/events`: a workspace's live message events as Server-Sent Events. One Redis
 * subscriber connection per stream, released when the client goes away.
 */

const logger = createLogger("events");

export const HEARTBEAT_MS = 15_000;
const RETRY_MS = 3_000;

export const eventStreamHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform: a compressing proxy (or Next's own gzip) would hold events back to fill a block.
  "cache-control": "no-store, no-transform",
  "x-accel-buffering": "no",
} as const;

/**
 * A token answers for its own workspace; without one, the signed-in user names the
 * workspace with `?workspace=<slug>` (any workspace they are not a member of does not exist).
 */
async function actorFor(request: Request, sessionUserId: () => Promise<string | null>): Promise<Actor> {
  const authorization = request.headers.get("authorization");
  const slug = new URL(request.url).searchParams.get("workspace");
  if (authorization || !slug) return actorForToken(authorization);
  const userId = await sessionUserId();
  if (!userId) throw new AppError("unauthorized", "Sign in first, or send an API token.", { hint: "Send `Authorization: Bearer cx_...`." });
  return actorForSession(userId, slug);
}

export async function eventStreamResponse(request: Request, sessionUserId: () => Promise<string | null>): Promise<Response> {
  let actor: Actor;
  try {
    // The boundary check every transport shares: a NUL or lone surrogate in `workspace` never reaches a query.
    guardInput(Object.fromEntries(new URL(request.url).searchParams), "query");
    actor = await actorFor(request, sessionUserId);
    authorize(actor, "messages.view");
  } catch (error) {
    if (error instanceof AppError) return errorResponse(error);
    const internal = internalError();
    logger.error({ err: error, requestId: internal.requestId }, "Live events request failed");
    return errorResponse(internal.error);
  }

  const subscriber = createRedis("worker");
  try {
    await connected(subscriber, 5_000);
    // Subscribed before the response starts: every event after the client sees the headers arrives.
    await subscriber.subscribe(eventsChannel(actor.workspaceId));
  } catch {
    await quietQuit(subscriber);
    return errorResponse(
      new AppError("unavailable", "Live events are unavailable: Redis is not reachable.", { hint: "Try again shortly." }),
    );
  }

  const encoder = new TextEncoder();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    subscriber.removeAllListeners("message");
    void quietQuit(subscriber);
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      send(`retry: ${RETRY_MS}\n: connected to ${actor.workspaceSlug}\n\n`);
      // Payloads are single-line JSON, so one `data:` line each.
      subscriber.on("message", (_channel: string, payload: string) => send(`data: ${payload}\n\n`));
      heartbeat = setInterval(() => send(`: heartbeat ${new Date().toISOString()}\n\n`), HEARTBEAT_MS);
      if (request.signal.aborted) close();
      request.signal.addEventListener("abort", () => {
        close();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
    },
    cancel: close,
  });
  return new Response(stream, { headers: eventStreamHeaders });
}
