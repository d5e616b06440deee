/**
 * Streams lines as `application/x-ndjson`. The first line is produced before answering,
 * so a refusal raised by the generator (403, 404) becomes a proper error response instead
 * of a stream that breaks after a 200.
 */
export async function jsonLinesResponse(lines: AsyncGenerator<string>, filename: string): Promise<Response> {
  const first = await lines.next();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) controller.close();
      else controller.enqueue(encoder.encode(first.value));
    },
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}
