import { describe, expect, it } from "vitest";
import { utcText } from "./time";

describe("utcText", () => {
  it("writes the date, the time and the zone, whatever the process's time zone", () => {
    expect(utcText(new Date("2026-12-01T10:15:00.000Z"))).toBe("2026-12-01 10:15:00 UTC");
    expect(utcText("2026-12-31T23:59:59+02:00")).toBe("2026-12-31 21:59:59 UTC");
    expect(utcText(Date.UTC(2027, 0, 1, 0, 0, 0))).toBe("2027-01-01 00:00:00 UTC");
  });
});
