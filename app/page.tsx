import Link from "next/link";
import { Logo } from "./_components/logo";

const features = [
  { title: "Agents as TOML", body: "Versioned, validated with line and column errors, hot-reloaded from your editor." },
  { title: "Capability routing", body: "Messages find the right agent by what it can do, with load balancing and circuit breakers." },
  { title: "Sandboxed tools", body: "WebAssembly through Extism and JavaScript through isolated-vm, with enforced limits." },
  { title: "Long-term memory", body: "Postgres and pgvector give every agent recall across conversations." },
];

export default function LandingPage() {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between px-6 py-5">
        <div className="flex items-center gap-2 text-lg font-semibold">
          <Logo /> Caxton
        </div>
        <Link href="/start" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          Sign in
        </Link>
      </header>
      <main className="mx-auto w-full max-w-6xl flex-1 px-6 pb-16">
        <section className="py-16 sm:py-24">
          <h1 className="max-w-3xl text-4xl font-bold tracking-tight sm:text-5xl">Run teams of AI agents on your own machines.</h1>
          <p className="mt-6 max-w-2xl text-lg text-slate-600">
            Caxton is a self-hostable agent orchestration platform. Define agents as TOML, route messages between them by capability, run
            their tools in sandboxes, and watch it all live.
          </p>
          <div className="mt-8 flex flex-wrap gap-3">
            <Link href="/start" className="rounded-md bg-brand-600 px-5 py-2.5 font-medium text-white hover:bg-brand-700">
              Go to the dashboard
            </Link>
            <a
              href="/api/v1/openapi.json"
              className="rounded-md border border-slate-300 bg-white px-5 py-2.5 font-medium hover:bg-slate-100"
            >
              API reference (OpenAPI)
            </a>
          </div>
        </section>
        <section className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {features.map((f) => (
            <div key={f.title} className="rounded-lg border border-slate-200 bg-white p-5">
              <h2 className="font-semibold">{f.title}</h2>
              <p className="mt-2 text-sm text-slate-600">{f.body}</p>
            </div>
          ))}
        </section>
      </main>
      <footer className="border-t border-slate-200 py-6 text-center text-sm text-slate-500">
        Caxton · self-hosted · your data stays on your machines
      </footer>
    </div>
  );
}
