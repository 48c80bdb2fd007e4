// Which Chromium the browser tests drive: Playwright's own when installed, else CHROMIUM_PATH,
// else Debian's package (browser downloads do not work on every machine).
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
  "--no-first-run",
];

export function chromiumExecutable(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    if (existsSync(chromium.executablePath())) return undefined;
  } catch {
    // Playwright has no browser of its own here.
  }
  return "/usr/bin/chromium";
}
