import { currentUserId } from "@/server/auth/next-auth";
import { eventStreamResponse } from "@/server/messaging/event-stream";

export const dynamic = "force-dynamic";

/** Live message events (Server-Sent Events); see docs/messaging.md, "Live events". */
export function GET(request: Request) {
  return eventStreamResponse(request, currentUserId);
}
