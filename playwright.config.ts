import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "./tests/support/chromium.ts";

// A run that shows the browser (`--headed`, `--debug`, `--ui`, PWDEBUG) needs the full Chromium, not
// the headless shell. Only this main process sees the flags; its workers inherit the answer.
process.env.E2E_SHOWS_BROWSER ??=
  process.argv.some((arg) => /^--(headed|debug|ui)\b/.test(arg)) || process.env.PWDEBUG ? "1" : "";

// The global setup starts a throwaway Directus and the production build and exports their URLs
// through the environment, which the workers (started after it) inherit.
export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    launchOptions: {
      executablePath: chromiumExecutable({ showsBrowser: process.env.E2E_SHOWS_BROWSER === "1" }),
      args: chromiumArgs,
    },
    // A failed test keeps its trace (actions, DOM snapshots, network); the screencast is left out:
    // encoding it costs the browser a fifth of the suite's CPU on a 2-core machine.
    trace: { mode: "retain-on-failure", screenshots: false },
  },
  projects: [
    { name: "js", use: { javaScriptEnabled: true } },
    { name: "no-js", use: { javaScriptEnabled: false } },
  ],
});
