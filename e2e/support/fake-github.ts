// A stand-in for GitHub's OAuth app endpoints and the two REST calls Auth.js makes, on
// 127.0.0.1, so the e2e tests drive the real sign-in flow end to end. Caxton reaches it
// through AUTH_GITHUB_URL (GitHub Enterprise base URL). The authorize page asks which
// login to sign in as, so a test can sign in several different people.
import { createHash } from "node:crypto";
import http from "node:http";

const port = Number(process.env.FAKE_GITHUB_PORT ?? 0);

const userOf = (login: string) => ({
  id: parseInt(createHash("sha256").update(login).digest("hex").slice(0, 8), 16),
  login,
  name: login.charAt(0).toUpperCase() + login.slice(1),
  email: null,
  avatar_url: null,
});

const html = (body: string) => `<!doctype html><html><head><title>Fake GitHub</title></head><body>${body}</body></html>`;
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function readBody(req: http.IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
  const bearer = (req.headers.authorization ?? "").replace(/^(Bearer|token)\s+/i, "");
  const login = bearer.startsWith("gho_") ? bearer.slice(4) : null;

  if (url.pathname === "/health") return json(200, { ok: true });
  if (url.pathname === "/login/oauth/authorize") {
    const hidden = ["redirect_uri", "state"]
      .map((k) => `<input type="hidden" name="${k}" value="${escape(url.searchParams.get(k) ?? "")}">`)
      .join("");
    res.writeHead(200, { "content-type": "text/html" });
    return res.end(
      html(`<h1>Fake GitHub</h1><form method="get" action="/login/oauth/approve">${hidden}
        <label>Sign in as <input name="login" autofocus></label><button type="submit">Authorize</button></form>`),
    );
  }
  if (url.pathname === "/login/oauth/approve") {
    const target = new URL(url.searchParams.get("redirect_uri")!);
    target.searchParams.set("code", `code_${url.searchParams.get("login")}`);
    target.searchParams.set("state", url.searchParams.get("state") ?? "");
    res.writeHead(302, { location: target.toString() });
    return res.end();
  }
  if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
    const code = new URLSearchParams(await readBody(req)).get("code") ?? "";
    if (!code.startsWith("code_")) return json(400, { error: "bad_verification_code" });
    return json(200, { access_token: `gho_${code.slice(5)}`, token_type: "bearer", scope: "read:user,user:email" });
  }
  if (url.pathname === "/api/v3/user") return login ? json(200, userOf(login)) : json(401, { message: "Bad credentials" });
  if (url.pathname === "/api/v3/user/emails") {
    return login
      ? json(200, [{ email: `${login}@example.com`, primary: true, verified: true, visibility: null }])
      : json(401, { message: "Bad credentials" });
  }
  json(404, { message: "Not Found" });
});

server.listen(port, "127.0.0.1", () => {
  console.log(`fake GitHub on http://127.0.0.1:${(server.address() as { port: number }).port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
