import { describe, expect, it } from "vitest";
import { createRedactor, REDACTED, redactForOperator, rememberSecretValues, shapeRedactor } from "./redact";

const KEY = "sk-proj-Zq8vN3kLmR7tWx2YpA9cB4dE6fG1hJ0s";

describe("the redactor", () => {
  const redactor = createRedactor([KEY, "correct horse battery staple", 'quote"back\\slash-secret']);

  it("removes a workspace's secret values wherever they appear, also JSON-escaped and URL-encoded", () => {
    expect(redactor.text(`Incorrect API key provided: ${KEY}. You can find your key at ...`)).toBe(
      `Incorrect API key provided: ${REDACTED}. You can find your key at ...`,
    );
    expect(redactor.text("pass: correct horse battery staple!")).not.toContain("horse battery");
    expect(redactor.text(JSON.stringify({ echoed: 'quote"back\\slash-secret' }))).not.toContain("back\\\\slash");
    expect(redactor.text(`https://x.test/?k=${encodeURIComponent("correct horse battery staple")}`)).not.toContain("horse");
  });

  it("removes the echoes vendors print: a mask with the first and last characters, a long piece", () => {
    expect(redactor.text("Incorrect API key provided: sk-proj-Zq8v************************hJ0s.")).toBe(
      `Incorrect API key provided: ${REDACTED}.`,
    );
    expect(redactor.text("key sk-proj-…hJ0s is invalid")).not.toContain("hJ0s");
    expect(redactor.text(`truncated ${KEY.slice(0, 30)} here`)).toBe(`truncated ${REDACTED} here`);
    expect(redactor.text(`tail ${KEY.slice(8)} here`)).toBe(`tail ${REDACTED} here`);
  });

  it("is no oracle: short pieces of a secret are left alone (only a whole value or a long echo is redacted)", () => {
    const value = "Zq8vN3kLmR7tWx2YpA9cB4dE6fG1hJ0sTuV";
    const probe = `${value.slice(0, 20)} and ${value.slice(0, 11)}*** and ${value.slice(0, 10)}`;
    expect(createRedactor([value]).text(probe)).toBe(probe);
  });

  it("removes credential shapes with no secret to match", () => {
    const cases = [
      "Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz012345",
      "Incorrect API key provided: sk-proj-********************************wxyz",
      "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx-yz0123456789",
      "token cx_Q2hlY2tpbmcgdGhlIHNjcnViYmVyIQ",
      "operator link /signin?token=cxo_aGVsbG8gd29ybGQgaGVsbG8",
      "Authorization: Bearer abc123def456ghi789",
      "AKIAIOSFODNN7EXAMPLE",
      "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
      'api_key="Zm9vYmFyYmF6MTIzNDU2"',
      '{"password":"hunter2hunter2"}',
      "postgres://caxton:s3cretPassw0rd@db:5432/caxton",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    ];
    for (const text of cases) {
      const out = shapeRedactor.text(text);
      expect(out, text).toContain(REDACTED);
      for (const secret of [
        "abcdefghijklmnop",
        "wxyz",
        "AbCdEfGhIjKl",
        "Q2hlY2tp",
        "aGVsbG8g",
        "abc123def",
        "IOSFODNN7",
        "16C7e42F",
        "Zm9vYmFy",
        "hunter2",
        "s3cretPassw0rd",
        "MIIEpAIB",
      ])
        expect(out, text).not.toContain(secret);
    }
  });

  it("leaves ordinary text, secret names and counts alone", () => {
    const texts = [
      'Set it with PUT /api/v1/secrets/OPENAI_API_KEY { "value": "..." } ([llm] api_key_secret = "OPENAI_API_KEY").',
      "The token limit was reached: max_tokens = 1024, inputTokens: 12.",
      "A bearer of good news; basic understanding; tokens: 40.",
      "Summarize https://example.com/docs?page=2 in three bullets...",
      "cm5x0k2ab0000qwerty12345 is a message id",
    ];
    for (const text of texts) expect(shapeRedactor.text(text)).toBe(text);
  });

  it("scrubs JSON values, and hides string values under secret-looking keys", () => {
    const out = redactor.json({
      reason: `echo ${KEY}`,
      steps: [{ output: { apiKey: "Zk39fj20dkLq", count: 3, tokens: 12 } }],
      usage: { inputTokens: 5 },
    });
    expect(out).toEqual({
      reason: `echo ${REDACTED}`,
      steps: [{ output: { apiKey: REDACTED, count: 3, tokens: 12 } }],
      usage: { inputTokens: 5 },
    });
  });

  it("scrubs log lines of every value this process opened", () => {
    const value = "per-process-value-0123456789abcdef";
    expect(redactForOperator(`x ${value}`)).toContain(value);
    rememberSecretValues([value]);
    expect(redactForOperator(`x ${value}`)).toBe(`x ${REDACTED}`);
  });
});
