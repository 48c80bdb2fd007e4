// Which Chromium the browser tests drive: CHROMIUM_PATH, else Playwright's own when installed, else
// the system's: Debian's `chromium-headless-shell` for headless runs (what Playwright's own
// headless runs use; a third less CPU than the full browser's headless mode, measured here), the full
// `chromium` for a run that shows the browser. `npm test` calls ensureChromium() before anything
// else, so a machine without a browser gets one, or one line saying what to install.
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "@playwright/test";

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
  "--no-first-run",
];

/** Where Debian and Ubuntu install their Chromium. */
export const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
/** Debian's headless shell: no window, no GPU process, far less work per page. */
export const SYSTEM_HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";

const WHAT_TO_INSTALL =
  "run `apt-get install chromium-headless-shell` as root (`chromium` for headed runs) or set CHROMIUM_PATH to a Chromium";

type Found = { source: "CHROMIUM_PATH" | "Playwright" | "system"; executablePath: string };

function runnable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function playwrightChromium(): string | null {
  try {
    const path = chromium.executablePath();
    return existsSync(path) ? path : null;
  } catch {
    return null; // Playwright has no browser of its own here.
  }
}

type Probe = { showsBrowser?: boolean; isRunnable?: (path: string) => boolean; playwrightOwn?: () => string | null };

/**
 * The Chromium the tests will drive, or null: only file checks, so a run with a browser pays nothing.
 * `showsBrowser`: a headed run, which the headless shell cannot serve.
 */
export function findChromium({ showsBrowser = false, isRunnable = runnable, playwrightOwn = playwrightChromium }: Probe = {}): Found | null {
  const given = process.env.CHROMIUM_PATH;
  if (given) return isRunnable(given) ? { source: "CHROMIUM_PATH", executablePath: given } : null;
  const own = playwrightOwn();
  if (own) return { source: "Playwright", executablePath: own };
  const candidates = showsBrowser ? SYSTEM_CHROMIUM : [SYSTEM_HEADLESS_SHELL, ...SYSTEM_CHROMIUM];
  const system = candidates.find(isRunnable);
  return system ? { source: "system", executablePath: system } : null;
}

/** For playwright.config.ts: undefined lets Playwright launch its own (headless shell included). */
export function chromiumExecutable({ showsBrowser = false } = {}): string | undefined {
  const found = findChromium({ showsBrowser });
  return found && found.source !== "Playwright" ? found.executablePath : undefined;
}

/**
 * Finds a Chromium, downloading Playwright's when there is none (`npx playwright install chromium`,
 * given `timeoutMs`). Resolves with what was found, or with the one line to show when nothing is.
 */
export async function ensureChromium({
  root,
  timeoutMs = 120_000,
  log = (line: string) => console.log(line),
}: { root: string; timeoutMs?: number; log?: (line: string) => void }): Promise<{ found: Found } | { problem: string }> {
  const given = process.env.CHROMIUM_PATH;
  if (given && !runnable(given)) return { problem: `CHROMIUM_PATH=${given} is not an executable file: fix it, or unset it to use another Chromium` };
  const found = findChromium();
  if (found) return { found };

  log(`No Chromium for the browser tests: downloading Playwright's (npx playwright install chromium, up to ${timeoutMs / 1000} s)`);
  const failure = await install(join(root, "node_modules", ".bin", "playwright"), timeoutMs);
  const installed = findChromium();
  if (installed) return { found: installed };
  return { problem: `No Chromium for the browser tests (${failure ?? "the download installed none"}): ${WHAT_TO_INSTALL}` };
}

/** Runs `playwright install chromium`; resolves with why it failed, or null. */
function install(playwright: string, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout stops the downloader it starts too.
    const child = spawn(playwright, ["install", "chromium"], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
      resolve(`the download did not finish within ${timeoutMs / 1000} s`);
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve(`the download could not start: ${error.message}`);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      // Playwright retries and prints a stack each time; its first error line says why.
      const reason = output.match(/^Error: (.+)$/m)?.[1];
      resolve(code === 0 ? null : `the download failed${reason ? `: ${reason}` : ""}`);
    });
  });
}
