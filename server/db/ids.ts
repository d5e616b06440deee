import { randomBytes, randomFillSync } from "node:crypto";

/**
 * Row ids for rows written with plain SQL, in the shape of Prisma's `cuid()` (25 characters:
 * `c`, time, a counter, a process fingerprint, randomness) so every id in a table looks alike
 * and ids made in the same millisecond by one process still sort by creation.
 */
let counter = Math.floor(Math.random() * 36 ** 4);
const fingerprint = (process.pid.toString(36) + randomBytes(2).toString("hex")).slice(-4).padStart(4, "0");

// Random bytes drawn 4 KiB at a time: one call per id cost more than the rest of the id.
const pool = Buffer.alloc(4096);
let offset = pool.length;
function random48(): number {
  if (offset + 6 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const value = pool.readUIntBE(offset, 6);
  offset += 6;
  return value;
}

const pad = (value: string, size: number) => value.padStart(size, "0").slice(-size);

export function newId(): string {
  counter = (counter + 1) % 36 ** 4;
  return `c${pad(Date.now().toString(36), 8)}${pad(counter.toString(36), 4)}${fingerprint}${pad(random48().toString(36), 8)}`;
}
