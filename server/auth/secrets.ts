import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random secret of `bytes` bytes (default 24 = 192 bits), URL-safe, with a prefix. */
export function randomSecret(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}

/** Tokens are stored as their SHA-256: they are random, so no salt or slow hash is needed. */
export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}
