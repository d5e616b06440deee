import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl } from "./logger";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { destination, text: () => lines.join("") };
}

describe("logger", () => {
  it("hides connection passwords", () => {
    expect(redactUrl("postgresql://caxton:s3cret@db:5432/caxton")).toBe("postgresql://caxton:***@db:5432/caxton");
    expect(redactUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });

  it("writes JSON lines with the process name and never a secret field", () => {
    const sink = capture();
    const logger = createLogger("web", { destination: sink.destination });
    logger.info({ event: "listening", token: "cx_abc", db: { password: "pw" }, headers: { authorization: "Bearer xyz" } }, "hello");
    const record = JSON.parse(sink.text());
    expect(record).toMatchObject({ name: "web", event: "listening", msg: "hello", token: "[redacted]" });
    expect(sink.text()).not.toContain("cx_abc");
    expect(sink.text()).not.toContain('"pw"');
    expect(sink.text()).not.toContain("Bearer xyz");
  });

  it("honours the level", () => {
    const sink = capture();
    createLogger("worker", { level: "warn", destination: sink.destination }).info("quiet");
    expect(sink.text()).toBe("");
  });
});
