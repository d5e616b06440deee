import { AppError } from "./errors";

/** Largest request body the API reads; anything bigger answers 413 before it is parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  new AppError("payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`, { hint: "Send a smaller request." });

/**
 * The body as text, read with a cap: Content-Length can be absent (chunked) or wrong, so
 * the count is kept while reading and the stream is cancelled once past the limit.
 */
export async function readCappedText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  return Buffer.from(await readCappedBytes(request, limit)).toString("utf8");
}

/** The body's bytes, undecoded, with the same cap: for bodies whose encoding is checked later. */
export async function readCappedBytes(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
