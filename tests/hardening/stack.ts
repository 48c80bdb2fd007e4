// One Directus and one production app per test file; optional proxy in between.
import { inject } from "vitest";
import { startDirectusProxy, type DirectusProxy } from "../support/directus-proxy.ts";
import { DirectusAdmin } from "../support/http-session.ts";
import { startTestApp, startTestDirectus, type TestApp, type TestDirectus } from "../support/services.ts";

// Directus pads logins and registrations against timing attacks; tests need them quick.
const FAST_AUTH = { LOGIN_STALL_TIME: "50", REGISTER_STALL_TIME: "50" };

export type Stack = { directus: TestDirectus; app: TestApp; admin: DirectusAdmin; proxy: DirectusProxy | null; stop: () => Promise<void> };

export async function startStack({
  directusEnv = {},
  appEnv = {},
  withProxy = false,
}: { directusEnv?: Record<string, string>; appEnv?: Record<string, string>; withProxy?: boolean } = {}): Promise<Stack> {
  const directus = await startTestDirectus({ ...FAST_AUTH, ...directusEnv }, { template: inject("directusTemplate") });
  let proxy: DirectusProxy | null = null;
  let app: TestApp | null = null;
  try {
    proxy = withProxy ? await startDirectusProxy(directus.url) : null;
    app = await startTestApp(proxy?.url ?? directus.url, appEnv);
  } catch (error) {
    await proxy?.stop();
    await directus.stop();
    throw error;
  }
  const started = app;
  return {
    directus,
    app: started,
    proxy,
    admin: new DirectusAdmin(directus.url, directus.adminEmail, directus.adminPassword),
    stop: async () => {
      await started.stop();
      await proxy?.stop();
      await directus.stop();
    },
  };
}

/** What a page must never show: a server stack trace or the server's file layout. */
export function leaksInternals(body: string): string | null {
  if (body.includes("node_modules")) return "mentions node_modules";
  const frame = body.match(/\bat [^\n<]*\.(?:m?js|ts|tsx):\d+/);
  if (frame) return `stack frame: ${frame[0]}`;
  if (/\/(?:work|home|tmp|usr)\/[\w./-]+\.(?:m?js|ts|tsx)/.test(body)) return "server file path";
  return null;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
