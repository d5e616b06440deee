import { randomBytes } from "node:crypto";

/**
 * Row ids for rows written with plain SQL, in the shape of Prisma's `cuid()` (25 characters:
 * `c`, time, a counter, a process fingerprint, randomness) so every id in a table looks alike
 * and ids made in the same millisecond by one process still sort by creation.
 */
let counter = Math.floor(Math.random() * 36 ** 4);
const fingerprint = (process.pid.toString(36) + randomBytes(2).toString("hex")).slice(-4).padStart(4, "0");

const pad = (value: string, size: number) => value.padStart(size, "0").slice(-size);

export function newId(): string {
  counter = (counter + 1) % 36 ** 4;
  const random = BigInt(`0x${randomBytes(6).toString("hex")}`).toString(36);
  return `c${pad(Date.now().toString(36), 8)}${pad(counter.toString(36), 4)}${fingerprint}${pad(random, 8)}`;
}
