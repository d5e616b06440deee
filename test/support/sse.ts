/**
 * Reads a Server-Sent Events body (`GET /api/events`) as it arrives: `data:` events parsed as
 * JSON, comments and the `retry:` hint, until the response ends or is aborted.
 */
export function readEvents<Event = unknown>(response: Response) {
  const events: Event[] = [];
  const comments: string[] = [];
  let retry: string | undefined;
  const done = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done: ended } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (ended) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of block.split("\n")) {
          if (line.startsWith("data: ")) events.push(JSON.parse(line.slice(6)) as Event);
          else if (line.startsWith(":")) comments.push(line);
          else if (line.startsWith("retry: ")) retry = line.slice(7);
        }
      }
    }
  })();
  return { events, comments, retry: () => retry, done };
}
