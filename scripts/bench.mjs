// `npm run bench`: how much the app adds on top of Directus, and how much JavaScript the login page ships.
//
// Always builds first, from a snapshot of the source in a temporary directory (so the figures describe
// the source as it is, and a build someone else runs in build/ meanwhile cannot swap files under it),
// then starts a throwaway Directus and the production server, seeds two users and 20 posts, and
// measures with autocannon:
// - the dashboard and a post page through the app, and the same Directus requests those pages make
//   sent straight to Directus with the same user's token (the floor the app cannot beat);
// - the same requests through a bare React Router app that renders them as a list (what the framework
//   itself costs) and through a pass-through Node server (scripts/lib/pass-through-server.mjs): what
//   any server in front of Directus gets on this machine, where it shares the cores with Directus;
// - the CPU time each process spends per request answered, which is the app's overhead itself;
// - the login page's first-load JavaScript, next to a bare React Router app with one form;
// - the app server's peak RSS;
// - the slowest render of a hostile Markdown post at the content limit (scripts/lib/markdown-bench.mjs).
// Prints a table, writes bench-results.json, exits non-zero if any page failed under load.
// BENCH_DURATION (seconds per cell, default 10) and BENCH_WARMUP (seconds per side and page, default 15) shorten a run.
import autocannon from "autocannon";
import { fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { startApp } from "./lib/app-process.mjs";
import { getFreePort, startDirectus } from "./lib/directus-process.mjs";
import { benchMarkdown, formatMarkdownBench } from "./lib/markdown-bench.mjs";
import { provision } from "./lib/provision.mjs";
import { root } from "./lib/runtime.mjs";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 15);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,8").split(",").map(Number);
// BENCH_PAGES=dashboard runs only that page; BENCH_APP_NODE_ARGS="--cpu-prof" profiles the app under load.
const PAGES = process.env.BENCH_PAGES?.split(",");
const PASSWORD = "bench-password-123";

// Everything started here is stopped here, in reverse order, on success, failure or Ctrl-C.
const cleanups = [];
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    for (const stop of cleanups.reverse()) await stop().catch((error) => console.error(`cleanup: ${error.message}`));
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping everything the benchmark started`);
    cleanup().finally(() => process.exit(130));
  });
}

const log = (line) => console.log(`» ${line}`);

function run(command, args, options = {}) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], ...options });
    const kill = async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
    };
    cleanups.push(kill);
    child.once("error", fail);
    child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

const reactRouterBin = join(root, "node_modules", "@react-router", "dev", "bin.cjs");

// What a production build needs; copied so the benchmark builds and serves its own snapshot.
const SNAPSHOT = ["app", "package.json", "react-router.config.ts", "vite.config.ts", "tsconfig.json", "server.mjs"];

// BENCH_SOURCE points at another checkout, measured instead of this one; BENCH_BASELINE at another
// checkout measured beside it, as one more side in the same alternating slices (before/after in one run).
const BASELINE = process.env.BENCH_BASELINE;
const BASELINE_SIDE = "app (baseline)";

async function buildSnapshot(source = process.env.BENCH_SOURCE ?? root) {
  const dir = await mkdtemp(join(tmpdir(), "bench-app-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const entry of SNAPSHOT) await cp(join(source, entry), join(dir, entry), { recursive: true });
  await symlink(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  await run(process.execPath, [reactRouterBin, "build"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  return dir;
}

async function startBenchApp({ appDir, directusUrl, sessionSecret, nodeArgs = [] }) {
  const app = await startApp({ directusUrl, cwd: appDir, env: { SESSION_SECRET: sessionSecret }, nodeArgs });
  cleanups.push(app.stop);
  return app;
}

/** Logs every request the app makes to Directus, so the floor replays exactly those. */
async function startRecordingProxy(target) {
  const seen = [];
  const targetUrl = new URL(target);
  const server = createServer((req, res) => {
    seen.push({ method: req.method, path: req.url });
    const upstream = httpRequest(
      { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: { ...req.headers, host: targetUrl.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  const port = await getFreePort();
  await new Promise((done) => server.listen(port, "127.0.0.1", done));
  const close = () => new Promise((done) => server.close(() => done()));
  cleanups.push(close);
  return { url: `http://127.0.0.1:${port}`, seen, close };
}

async function directusJson(url, path, { method = "GET", token, body } = {}) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function appLogin(appUrl, email) {
  const response = await fetch(`${appUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: appUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD, redirectTo: "/dashboard" }),
  });
  const cookie = response.headers.getSetCookie().map((header) => header.split(";")[0]).join("; ");
  if (response.status !== 302 || !cookie) throw new Error(`login through the app failed for ${email}: ${response.status}`);
  return cookie;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
async function cpuSeconds(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

// Processes whose CPU time each run is charged with (set in main): where the machine's cores go.
const watched = {};

async function cannon(url, { connections, duration, headers }) {
  const before = await Promise.all(Object.values(watched).map(cpuSeconds));
  const result = await autocannon({ url, connections, duration, headers, timeout: 10 });
  const after = await Promise.all(Object.values(watched).map(cpuSeconds));
  const cpu = Object.fromEntries(Object.keys(watched).map((name, i) => [name, after[i] - before[i]]));
  return {
    cpu,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

// The sides run in alternating 2-second slices, so a burst of other work on the machine weighs on
// every side of a ratio instead of on whichever happened to run at that moment.
async function measureSides(sides, connections) {
  const names = Object.keys(sides);
  const slices = Math.max(1, Math.round(DURATION / 2));
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < slices; i++) {
    for (const name of names) runs[name].push(await cannon(sides[name].url, { connections, duration: DURATION / slices, headers: sides[name].headers }));
  }
  return Object.fromEntries(names.map((name) => [name, combine(runs[name])]));
}

// Node's JIT (in the app and in Directus) takes thousands of requests to settle; a short warm-up
// measures a cold app. Production servers run warm, so each side is warmed before it is measured.
async function warmUp(sides, connections, seconds) {
  for (const side of Object.values(sides)) await cannon(side.url, { connections, duration: seconds, headers: side.headers });
}

/** Starts scripts/lib/pass-through-server.mjs on a free port, forwarding to Directus with `authorization`. */
async function startPassThrough(directusUrl, authorization) {
  const port = await getFreePort();
  const child = fork(join(root, "scripts", "lib", "pass-through-server.mjs"), [], {
    env: { ...process.env, PORT: String(port), PASS_THROUGH_ORIGIN: directusUrl, PASS_THROUGH_AUTHORIZATION: authorization },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  });
  await new Promise((done, fail) => {
    child.once("message", done);
    child.once("exit", (code) => fail(new Error(`pass-through server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid };
}

/** Sums counts over slices; latency percentiles are the request-weighted mean of each slice's. */
function combine(slices) {
  const requests = slices.reduce((sum, slice) => sum + slice.requests, 0);
  const weighted = (key) => slices.reduce((sum, slice) => sum + slice[key] * slice.requests, 0) / (requests || 1);
  return {
    rps: slices.reduce((sum, slice) => sum + slice.rps, 0) / slices.length,
    p50: weighted("p50"),
    p99: weighted("p99"),
    non2xx: slices.reduce((sum, slice) => sum + slice.non2xx, 0),
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    requests,
    // CPU milliseconds each process spent per request answered.
    cpuMsPerRequest: Object.fromEntries(
      Object.keys(slices[0].cpu).map((name) => [name, (1000 * slices.reduce((sum, slice) => sum + slice.cpu[name], 0)) / (requests || 1)]),
    ),
  };
}

/** Every script a first visit loads: <script src>, <link rel=modulepreload>, and imports in inline modules. */
async function firstLoadJs(baseUrl, path) {
  const html = await (await fetch(`${baseUrl}${path}`)).text();
  const urls = new Set();
  for (const [, src] of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(src);
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    if (/\brel="modulepreload"/.test(tag)) urls.add(tag.match(/\bhref="([^"]+)"/)?.[1]);
  }
  for (const [, body] of html.matchAll(/<script\b[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)) {
    for (const [, spec] of body.matchAll(/\bimport\s*(?:[\w*{}\s,]+from\s*)?\(?\s*"([^"]+)"/g)) urls.add(spec);
  }
  urls.delete(undefined);
  const files = [];
  for (const src of urls) {
    const response = await fetch(new URL(src, `${baseUrl}${path}`));
    if (!response.ok || !/javascript/.test(response.headers.get("content-type") ?? "")) throw new Error(`${src}: ${response.status} ${response.headers.get("content-type")}`);
    const body = Buffer.from(await response.arrayBuffer());
    files.push({ src, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  const htmlBytes = Buffer.from(html);
  return {
    files,
    jsRaw: files.reduce((sum, file) => sum + file.raw, 0),
    jsGzip: files.reduce((sum, file) => sum + file.gzip, 0),
    htmlRaw: htmlBytes.length,
    htmlGzip: gzipSync(htmlBytes, { level: 9 }).length,
  };
}

const projectPackage = JSON.parse(await readFile(join(root, "package.json"), "utf8"));

const BARE_FILES = {
  // The template's dependencies: without isbot listed, `react-router build` would run `npm install` here
  // (through the node_modules symlink, into the project's own). The app itself no longer needs isbot.
  "package.json": JSON.stringify({
    name: "bare",
    private: true,
    type: "module",
    dependencies: Object.fromEntries(
      ["@react-router/node", "isbot", "react", "react-dom", "react-router"].map((name) => [name, projectPackage.dependencies[name] ?? projectPackage.devDependencies[name]]),
    ),
  }),
  "react-router.config.ts": `export default { ssr: true };\n`,
  "vite.config.ts": `import { reactRouter } from "@react-router/dev/vite";\nimport { defineConfig } from "vite";\nexport default defineConfig({ plugins: [reactRouter()] });\n`,
  "app/routes.ts": `import { index, route, type RouteConfig } from "@react-router/dev/routes";
export default [index("routes/home.tsx"), route("directus/*", "routes/directus.tsx")] satisfies RouteConfig;
`,
  "app/root.tsx": `import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "react-router";
export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <head><meta charSet="utf-8" /><Meta /><Links /></head>
      <body>{children}<ScrollRestoration /><Scripts /></body>
    </html>
  );
}
export default function App() { return <Outlet />; }
`,
  "app/routes/home.tsx": `import { Form } from "react-router";
export function action() { return null; }
export default function Home() {
  return (
    <Form method="post">
      <input name="email" type="email" />
      <input name="password" type="password" />
      <button type="submit">Log in</button>
    </Form>
  );
}
`,
  // The throughput baseline: one Directus call (the path after /directus), rendered as a list of links.
  "app/routes/directus.tsx": `import { Link } from "react-router";
type Item = { id: number; title: string; content?: string | null; date_created?: string | null };
export async function loader({ request, params }: { request: Request; params: Record<string, string | undefined> }) {
  const url = \`\${process.env.BARE_DIRECTUS_URL}/\${params["*"]}\${new URL(request.url).search}\`;
  const response = await fetch(url, { headers: { Authorization: process.env.BARE_AUTHORIZATION ?? "" } });
  if (!response.ok) throw new Response("Directus answered " + response.status, { status: 502 });
  return (await response.json()).data as Item | Item[];
}
export default function Page({ loaderData }: { loaderData: Item | Item[] }) {
  const items = Array.isArray(loaderData) ? loaderData : [loaderData];
  return (
    <main>
      <h1>Posts</h1>
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            <Link to={\`/posts/\${item.id}\`}>{item.title}</Link> <time>{item.date_created}</time>
            {item.content ? <p>{item.content}</p> : null}
          </li>
        ))}
      </ul>
    </main>
  );
}
`,
};

/**
 * A bare React Router app, built with the same toolchain and served by the same server.mjs: its
 * login-like form page is the JavaScript baseline, and its /directus/* page (one Directus call
 * rendered as a list, no session, no layout) is what React Router itself costs under load.
 */
async function startBareApp(directusUrl, authorization) {
  const dir = await mkdtemp(join(tmpdir(), "bench-bare-rr-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(BARE_FILES)) {
    await mkdir(join(dir, file, ".."), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  await cp(join(root, "server.mjs"), join(dir, "server.mjs"));
  // Vite resolves from the project root it builds, so NODE_PATH would not reach our packages.
  await symlink(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  await run(process.execPath, [reactRouterBin, "build"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  const bare = await startApp({ directusUrl, cwd: dir, env: { BARE_DIRECTUS_URL: directusUrl, BARE_AUTHORIZATION: authorization } });
  cleanups.push(bare.stop);
  return bare;
}

async function peakRss(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN);
  return { hwmMb: kb("VmHWM") / 1024, rssMb: kb("VmRSS") / 1024 };
}

/** Counts the Directus calls a response reports in its Server-Timing header. */
async function directusCallsPerView(url, cookie, views = 5) {
  let calls = 0;
  for (let i = 0; i < views; i++) {
    const response = await fetch(url, { headers: { Cookie: cookie } });
    await response.arrayBuffer();
    // `directus;dur=…` by default, `directus-posts;dur=…;desc=…` with SERVER_TIMING_DETAIL=1.
    calls += (response.headers.get("server-timing") ?? "").split(",").filter((entry) => /^directus[-;]/.test(entry.trim())).length;
  }
  return calls / views;
}

const fmt = {
  n: (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "-"),
  kb: (bytes) => `${(bytes / 1024).toFixed(1)} kB`,
};

function table(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  return rows
    .map((row, index) => {
      const line = row.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join("  ");
      return index === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
    })
    .join("\n");
}

async function main() {
  log("building the app (react-router build, in a snapshot of the source)");
  const appDir = await buildSnapshot();

  log("starting a throwaway Directus");
  const dataDir = await mkdtemp(join(tmpdir(), "directus-bench-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const directus = await startDirectus({
    port: await getFreePort(),
    dataDir,
    env: { RATE_LIMITER_ENABLED: "false", RATE_LIMITER_REGISTRATION_ENABLED: "false" },
    log: (line) => process.env.DEBUG_DIRECTUS && console.log(`[directus] ${line}`),
  });
  cleanups.push(() => directus.stop());
  // The seeded users log in right after registering, so without email verification.
  await provision({ url: directus.url, email: directus.adminEmail, password: directus.adminPassword }, { log: () => {}, verifyEmail: false });

  // Seed: two users with ten posts each, through Directus REST as those users.
  const stamp = Date.now();
  const users = [`bench-a-${stamp}@example.com`, `bench-b-${stamp}@example.com`];
  const tokens = {};
  for (const email of users) {
    await directusJson(directus.url, "/users/register", { method: "POST", body: { email, password: PASSWORD } });
    const login = await directusJson(directus.url, "/auth/login", { method: "POST", body: { email, password: PASSWORD, mode: "json" } });
    tokens[email] = login.data.access_token;
  }
  const postIds = [];
  for (let i = 0; i < 20; i++) {
    const email = users[i % 2];
    const content = `## Post ${i + 1}\n\nSome *markdown* with a [link](https://example.com) and a list:\n\n- one\n- two\n- three\n\n${"Lorem ipsum dolor sit amet. ".repeat(20)}`;
    const created = await directusJson(directus.url, "/items/posts", { method: "POST", token: tokens[email], body: { title: `Bench post ${i + 1}`, content } });
    postIds.push(created.data.id);
  }
  const reader = users[0];
  // The newest post, written by the other user: the common case of reading someone else's post.
  const postPath = `/posts/${postIds.at(-1)}`;

  // Discovery: the app behind a recording proxy, to learn exactly which Directus requests each page makes.
  const sessionSecret = randomBytes(32).toString("hex");
  const proxy = await startRecordingProxy(directus.url);
  let app = await startBenchApp({ appDir, directusUrl: proxy.url, sessionSecret });
  const cookie = await appLogin(app.url, reader);
  await appLogin(app.url, users[1]);
  const discovered = {};
  for (const path of ["/dashboard", postPath]) {
    proxy.seen.length = 0;
    const views = 3;
    for (let i = 0; i < views; i++) {
      const response = await fetch(`${app.url}${path}`, { headers: { Cookie: cookie } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    }
    discovered[path] = { perView: proxy.seen.length / views, requests: proxy.seen.slice(0, proxy.seen.length / views) };
  }
  await app.stop();
  await proxy.close();

  log("starting the production app");
  app = await startBenchApp({ appDir, directusUrl: directus.url, sessionSecret, nodeArgs: process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) });

  // The floor uses the same user's token from Directus's own login; so does the pass-through server.
  const floorLogin = await directusJson(directus.url, "/auth/login", { method: "POST", body: { email: reader, password: PASSWORD, mode: "json" } });
  const floorHeaders = { Authorization: `Bearer ${floorLogin.data.access_token}` };
  const passThrough = await startPassThrough(directus.url, floorHeaders.Authorization);
  log("building and starting a bare React Router app");
  const bareApp = await startBareApp(directus.url, floorHeaders.Authorization);
  Object.assign(watched, { app: app.pid, "bare React Router": bareApp.pid, "pass-through": passThrough.pid, directus: directus.pid, "load generator": process.pid });
  let baseline = null;
  if (BASELINE) {
    log(`building and starting the baseline app from ${BASELINE}`);
    const baselineApp = await startBenchApp({ appDir: await buildSnapshot(BASELINE), directusUrl: directus.url, sessionSecret });
    baseline = { url: baselineApp.url, cookie: await appLogin(baselineApp.url, reader) };
    watched[BASELINE_SIDE] = baselineApp.pid;
  }

  const pages = [
    { name: "dashboard", path: "/dashboard" },
    { name: "post", path: postPath },
  ].filter((page) => !PAGES || PAGES.includes(page.name));
  for (const page of pages) {
    const requests = discovered[page.path].requests;
    if (requests.length !== 1) log(`${page.path} makes ${requests.length} Directus requests per view; the floor replays the first: ${requests.map((r) => r.path).join(", ")}`);
    page.floorPath = requests[0]?.path;
    page.directusPerView = discovered[page.path].perView;
    page.serverTimingDirectusCalls = await directusCallsPerView(`${app.url}${page.path}`, cookie);
    page.sides = {
      app: { url: `${app.url}${page.path}`, headers: { Cookie: cookie } },
      "bare React Router": { url: `${bareApp.url}/directus${page.floorPath}`, headers: {} },
      "pass-through": { url: `${passThrough.url}${page.floorPath}`, headers: {} },
      floor: { url: `${directus.url}${page.floorPath}`, headers: floorHeaders },
    };
    if (baseline) page.sides[BASELINE_SIDE] = { url: `${baseline.url}${page.path}`, headers: { Cookie: baseline.cookie } };
  }

  if (WARMUP > 0) {
    for (const page of pages) {
      log(`warming up: ${page.name}, ${WARMUP} s on each side at c=${Math.max(...CONCURRENCY)}`);
      await warmUp(page.sides, Math.max(...CONCURRENCY), WARMUP);
    }
  }

  const load = [];
  for (const connections of CONCURRENCY) {
    for (const page of pages) {
      log(`c=${connections} ${page.name}: app ${page.path} / bare React Router, pass-through and floor GET ${page.floorPath}`);
      const measured = await measureSides(page.sides, connections);
      load.push({
        page: page.name,
        connections,
        app: measured.app,
        bareReactRouter: measured["bare React Router"],
        passThrough: measured["pass-through"],
        floor: measured.floor,
        ratio: measured.app.rps / measured.floor.rps,
        bareReactRouterRatio: measured["bare React Router"].rps / measured.floor.rps,
        passThroughRatio: measured["pass-through"].rps / measured.floor.rps,
        ...(baseline ? { baseline: measured[BASELINE_SIDE], baselineRatio: measured[BASELINE_SIDE].rps / measured.floor.rps } : {}),
      });
    }
  }
  const rss = await peakRss(app.pid);

  log("first-load JavaScript: the app's login page, then the bare app's form page");
  const login = await firstLoadJs(app.url, "/login");
  const bare = await firstLoadJs(bareApp.url, "/");

  log("Markdown: the slowest post of the hostile corpus at the content limit");
  const markdown = await benchMarkdown(process.env.BENCH_SOURCE ?? root);

  const results = {
    date: new Date().toISOString(),
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    baseline: BASELINE ?? null,
    node: process.version,
    pages: pages.map(({ name, path, floorPath, directusPerView, serverTimingDirectusCalls }) => ({
      name,
      path,
      floor: `GET ${floorPath}`,
      directusRequestsPerView: directusPerView,
      serverTimingDirectusCalls,
    })),
    load,
    appPeakRssMb: rss.hwmMb,
    firstLoad: { login, bare, ratioGzip: login.jsGzip / bare.jsGzip, ratioRaw: login.jsRaw / bare.jsRaw },
    markdown,
  };
  await writeFile(join(root, "bench-results.json"), JSON.stringify(results, null, 2) + "\n");

  console.log("\nDirectus requests per view (proxy count; Server-Timing count):");
  for (const page of results.pages) console.log(`  ${page.name.padEnd(9)} ${page.directusRequestsPerView} ; ${page.serverTimingDirectusCalls}   floor = ${page.floor}`);
  console.log(`\nThroughput and CPU per request (${DURATION} s per side in alternating 2 s slices, after ${WARMUP} s warm-up per side and page; latency in ms, CPU in ms per request answered, on ${cpus().length} cores):\n`);
  const sideRows = ({ page, connections, app: a, baseline: before, bareReactRouter: b, passThrough: p, floor: f }) =>
    [
      ["app", a, a.cpuMsPerRequest.app],
      ...(before ? [[BASELINE_SIDE, before, before.cpuMsPerRequest[BASELINE_SIDE]]] : []),
      ["bare React Router", b, b.cpuMsPerRequest["bare React Router"]],
      ["pass-through", p, p.cpuMsPerRequest["pass-through"]],
      ["floor", f, NaN],
    ].map(([side, r, serverCpu]) => [
      page, connections, side,
      fmt.n(r.rps, 1), fmt.n(r.p50), fmt.n(r.p99), r.non2xx, r.errors,
      fmt.n(r.rps / f.rps, 2),
      fmt.n(serverCpu, 2), fmt.n(r.cpuMsPerRequest.directus, 2), fmt.n(r.cpuMsPerRequest["load generator"], 2),
    ]);
  console.log(
    table([
      ["page", "conc", "side", "req/s", "p50", "p99", "non-2xx", "err", "÷ floor", "server CPU", "Directus CPU", "load gen CPU"],
      ...load.flatMap(sideRows),
    ]),
  );
  console.log(`\nFirst-load JavaScript:\n`);
  console.log(
    table([
      ["page", "scripts", "JS raw", "JS gzip", "HTML raw", "HTML gzip"],
      ["app /login", login.files.length, fmt.kb(login.jsRaw), fmt.kb(login.jsGzip), fmt.kb(login.htmlRaw), fmt.kb(login.htmlGzip)],
      ["bare app /", bare.files.length, fmt.kb(bare.jsRaw), fmt.kb(bare.jsGzip), fmt.kb(bare.htmlRaw), fmt.kb(bare.htmlGzip)],
      ["ratio", "", fmt.n(results.firstLoad.ratioRaw, 2), fmt.n(results.firstLoad.ratioGzip, 2), "", ""],
    ]),
  );
  if (process.env.BENCH_VERBOSE) for (const file of login.files) console.log(`  ${file.src}  ${fmt.kb(file.raw)}  ${fmt.kb(file.gzip)} gz`);
  console.log(`\nApp server peak RSS (VmHWM): ${fmt.n(rss.hwmMb, 1)} MB`);
  console.log(formatMarkdownBench(markdown));
  console.log(`Results written to bench-results.json`);

  const failed = load.filter((row) => [row.app, row.baseline, row.bareReactRouter, row.passThrough, row.floor].some((side) => side && (side.non2xx || side.errors)));
  if (failed.length) {
    console.error(`\nFAILED: errors under load in ${failed.map((row) => `${row.page} c=${row.connections}`).join(", ")}`);
    if (process.env.DEBUG_APP) console.error(app.output());
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
