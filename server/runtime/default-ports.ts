import type { Clock, MemoryPort } from "./ports";

/** Ports every kind of turn shares unless it brings its own (a test, a replay). */

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fire) {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
};

/** Memory until it lands: nothing recalled, `{{memory}}` stays empty. */
export const noMemory: MemoryPort = { recall: async () => "" };
