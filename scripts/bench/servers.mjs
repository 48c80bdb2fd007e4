// The servers whose pages the benchmark loads, each started on a free port and stopped at cleanup.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startApp } from "../lib/app-process.mjs";
import { getFreePort } from "../lib/directus-process.mjs";
import { buildBareApp } from "./build.mjs";
import { onCleanup } from "./cleanup.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** The app's production build in `appDir` (buildSnapshot), against `directusUrl`. */
export async function startBenchApp({ appDir, directusUrl, sessionSecret, nodeArgs = [] }) {
  const app = await startApp({ directusUrl, cwd: appDir, env: { SESSION_SECRET: sessionSecret }, nodeArgs });
  onCleanup(app.stop);
  return app;
}

/**
 * A bare React Router app (bare-app/), built with the same toolchain and served by the same server.mjs:
 * its login-like form page is the JavaScript baseline, and its /directus/* page (one Directus call
 * rendered as a list, no session, no layout) is what React Router itself costs under load.
 */
export async function startBareApp(directusUrl, authorization) {
  const dir = await buildBareApp();
  const bare = await startApp({ directusUrl, cwd: dir, env: { BARE_DIRECTUS_URL: directusUrl, BARE_AUTHORIZATION: authorization } });
  onCleanup(bare.stop);
  return bare;
}

/** Starts pass-through-server.mjs on a free port, forwarding to Directus with `authorization`. */
export async function startPassThrough(directusUrl, authorization) {
  const port = await getFreePort();
  const child = fork(join(here, "pass-through-server.mjs"), [], {
    env: { ...process.env, PORT: String(port), PASS_THROUGH_ORIGIN: directusUrl, PASS_THROUGH_AUTHORIZATION: authorization },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  onCleanup(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  });
  await new Promise((done, fail) => {
    child.once("message", done);
    child.once("exit", (code) => fail(new Error(`pass-through server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid };
}
