// Which browser the end-to-end tests launch: the headless shell costs a third less CPU per page than
// the full Chromium's headless mode, but cannot show a window.
import { afterEach, describe, expect, it, vi } from "vitest";
import { findChromium } from "../../tests/support/chromium.ts";

const installed = (...paths: string[]) => (path: string) => paths.includes(path);
const noOwnBrowser = () => null;

describe("findChromium", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("drives Debian's headless shell for a headless run when it is installed", () => {
    vi.stubEnv("CHROMIUM_PATH", "");
    const found = findChromium({ isRunnable: installed("/usr/bin/chromium", "/usr/bin/chromium-headless-shell"), playwrightOwn: noOwnBrowser });
    expect(found).toEqual({ source: "system", executablePath: "/usr/bin/chromium-headless-shell" });
  });

  it("drives the full Chromium for a run that shows the browser, and when the shell is missing", () => {
    vi.stubEnv("CHROMIUM_PATH", "");
    const both = installed("/usr/bin/chromium", "/usr/bin/chromium-headless-shell");
    expect(findChromium({ showsBrowser: true, isRunnable: both, playwrightOwn: noOwnBrowser })?.executablePath).toBe("/usr/bin/chromium");
    expect(findChromium({ isRunnable: installed("/usr/bin/chromium"), playwrightOwn: noOwnBrowser })?.executablePath).toBe("/usr/bin/chromium");
    expect(findChromium({ showsBrowser: true, isRunnable: installed("/usr/bin/chromium-headless-shell"), playwrightOwn: noOwnBrowser })).toBeNull();
  });

  it("keeps CHROMIUM_PATH first, then Playwright's own browser", () => {
    vi.stubEnv("CHROMIUM_PATH", "/opt/chrome");
    const everything = installed("/opt/chrome", "/usr/bin/chromium-headless-shell");
    expect(findChromium({ isRunnable: everything, playwrightOwn: () => "/pw/chrome" })).toEqual({ source: "CHROMIUM_PATH", executablePath: "/opt/chrome" });
    vi.stubEnv("CHROMIUM_PATH", "");
    expect(findChromium({ isRunnable: everything, playwrightOwn: () => "/pw/chrome" })).toEqual({ source: "Playwright", executablePath: "/pw/chrome" });
  });
});
