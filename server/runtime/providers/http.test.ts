import { describe, expect, it } from "vitest";
import { renderPrompt } from "../llm-turn";
import { parseArguments, reasonOf, retryAfterMs } from "./http";

describe("provider helpers", () => {
  it("read the vendor's reason from an error body", () => {
    expect(reasonOf('{"error":{"message":"Bad key","type":"invalid_request_error"}}')).toBe("Bad key (invalid_request_error)");
    expect(reasonOf('{"error":"model not found"}')).toBe("model not found");
    expect(reasonOf("<html>Bad gateway</html>")).toBe("<html>Bad gateway</html>");
    expect(reasonOf("")).toBe("no error message in the response");
  });

  it("read Retry-After as seconds or a date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs("soon")).toBeNull();
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
  });

  it("keep unreadable tool arguments so the model sees its mistake", () => {
    expect(parseArguments('{"a":1}')).toEqual({ a: 1 });
    expect(parseArguments("")).toEqual({});
    expect(parseArguments("[1]")).toEqual({ value: [1] });
    expect(parseArguments("{oops")).toEqual({ _unparsed: "{oops" });
  });

  it("fill the prompt template's placeholders", () => {
    expect(renderPrompt(undefined, { request: "hi", context: "c", memory: "" })).toBe("hi");
    expect(renderPrompt("Q: {{request}} / {{ context }} / [{{memory}}] {{other}}", { request: "hi", context: "c", memory: "" })).toBe(
      "Q: hi / c / [] {{other}}",
    );
  });
});
