// Which Directus requests a page makes: the floor replays exactly those.
import { createServer, request as httpRequest } from "node:http";
import { getFreePort } from "../lib/directus-process.mjs";
import { onCleanup } from "./cleanup.mjs";
import { appLogin } from "./seed.mjs";
import { startBenchApp } from "./servers.mjs";

/** Logs every request the app makes to Directus, so the floor replays exactly those. */
export async function startRecordingProxy(target) {
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
  onCleanup(close);
  return { url: `http://127.0.0.1:${port}`, seen, close };
}

/**
 * Runs the app behind a recording proxy, signs `users` in and views each path a few times.
 * Returns the first user's cookie (valid on any app sharing `sessionSecret`) and, per path, the
 * Directus requests per view and those of one view.
 */
export async function discoverDirectusRequests({ appDir, directusUrl, sessionSecret, users, paths }) {
  const proxy = await startRecordingProxy(directusUrl);
  const app = await startBenchApp({ appDir, directusUrl: proxy.url, sessionSecret });
  const cookie = await appLogin(app.url, users[0]);
  for (const other of users.slice(1)) await appLogin(app.url, other);
  const discovered = {};
  for (const path of paths) {
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
  return { cookie, discovered };
}

/** Counts the Directus calls a response reports in its Server-Timing header. */
export async function directusCallsPerView(url, cookie, views = 5) {
  let calls = 0;
  for (let i = 0; i < views; i++) {
    const response = await fetch(url, { headers: { Cookie: cookie } });
    await response.arrayBuffer();
    // `directus;dur=…` by default, `directus-posts;dur=…;desc=…` with SERVER_TIMING_DETAIL=1.
    calls += (response.headers.get("server-timing") ?? "").split(",").filter((entry) => /^directus[-;]/.test(entry.trim())).length;
  }
  return calls / views;
}

/**
 * The pages the benchmark loads (PAGES picks among them), each with the Directus request its floor
 * replays and how many Directus calls a view makes (counted through the proxy and in Server-Timing).
 */
export async function benchPages({ postPath, discovered, appUrl, cookie, pagesWanted, log }) {
  const pages = [
    { name: "dashboard", path: "/dashboard" },
    { name: "post", path: postPath },
  ].filter((page) => !pagesWanted || pagesWanted.includes(page.name));
  for (const page of pages) {
    const requests = discovered[page.path].requests;
    if (requests.length !== 1) log(`${page.path} makes ${requests.length} Directus requests per view; the floor replays the first: ${requests.map((r) => r.path).join(", ")}`);
    page.floorPath = requests[0]?.path;
    page.directusPerView = discovered[page.path].perView;
    page.serverTimingDirectusCalls = await directusCallsPerView(`${appUrl}${page.path}`, cookie);
  }
  return pages;
}

/** What the results file says about a page. */
export function pageSummary({ name, path, floorPath, directusPerView, serverTimingDirectusCalls }) {
  return { name, path, floor: `GET ${floorPath}`, directusRequestsPerView: directusPerView, serverTimingDirectusCalls };
}
