// One Directus and one or more production app processes per test file (sharing SESSION_SECRET, as
// instances behind a load balancer do); optional proxy between the apps and Directus.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { startDirectusProxy, type DirectusProxy } from "../support/directus-proxy.ts";
import { DirectusAdmin, HttpSession } from "../support/http-session.ts";
import { provision } from "../../scripts/lib/provision.mjs";
import { reserveAppUrl, startTestApp, startTestDirectus, type TestApp, type TestDirectus } from "../support/services.ts";

// Directus pads logins and registrations against timing attacks; tests need them quick.
const FAST_AUTH = { LOGIN_STALL_TIME: "50", REGISTER_STALL_TIME: "50" };

export type Stack = {
  directus: TestDirectus;
  /** The first app process; `apps` holds all of them. */
  app: TestApp;
  apps: TestApp[];
  /** The SESSION_SECRET every app process shares, so a test can open the session cookie. */
  sessionSecret: string;
  admin: DirectusAdmin;
  proxy: DirectusProxy | null;
  stop: () => Promise<void>;
};

export async function startStack({
  directusEnv = {},
  appEnv = {},
  withProxy = false,
  appCount = 1,
  verifyEmail = false,
  appPort,
}: {
  directusEnv?: Record<string, string>;
  appEnv?: Record<string, string>;
  withProxy?: boolean;
  appCount?: number;
  /** Email verification at registration (the template has it off: registering takes a password, and the login form is next). */
  verifyEmail?: boolean;
  /** The first app's port, when something must know its URL before the stack starts (an identity provider's callback). */
  appPort?: number;
} = {}): Promise<Stack> {
  // Every app process sends the first one's URL in its emails, as instances behind one public URL do.
  const appUrl = appPort ? { port: appPort, url: `http://localhost:${appPort}` } : await reserveAppUrl();
  const directusSettings = { ...FAST_AUTH, ...directusEnv };
  const directus = await startTestDirectus(directusSettings, { template: inject("directusTemplate"), appUrl: appUrl.url });
  if (verifyEmail) {
    await provision({ url: directus.url, email: directus.adminEmail, password: directus.adminPassword }, { log: () => {}, verifyEmail, appUrl: appUrl.url });
  }
  const sessionSecret = randomBytes(32).toString("hex");
  let proxy: DirectusProxy | null = null;
  const apps: TestApp[] = [];
  try {
    proxy = withProxy ? await startDirectusProxy(directus.url) : null;
    for (let i = 0; i < appCount; i++) {
      // The app pads a registration it skips (mail bounded per address) to Directus's own stall.
      const env = { SESSION_SECRET: sessionSecret, APP_URL: appUrl.url, REGISTER_STALL_TIME: directusSettings.REGISTER_STALL_TIME, ...appEnv };
      apps.push(await startTestApp(proxy?.url ?? directus.url, env, { port: i === 0 ? appUrl.port : undefined }));
    }
  } catch (error) {
    await Promise.all(apps.map((app) => app.stop()));
    await proxy?.stop();
    await directus.stop();
    throw error;
  }
  return {
    directus,
    app: apps[0]!,
    apps,
    sessionSecret,
    proxy,
    admin: new DirectusAdmin(directus.url, directus.adminEmail, directus.adminPassword),
    stop: async () => {
      await Promise.all(apps.map((app) => app.stop()));
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

/**
 * Browsers at addresses of their own, each from the next IP of `network` (its first three octets
 * go up every 250), for an app started with TRUST_PROXY: per-IP limits count each alone.
 */
export function visitors(appUrl: () => string, network: [number, number, number]) {
  let count = 0;
  return () => {
    const n = ++count;
    const ip = `${network[0]}.${network[1]}.${network[2] + Math.floor(n / 250)}.${(n % 250) + 1}`;
    const session = new HttpSession(appUrl());
    const headers = { "X-Forwarded-For": ip };
    return {
      session,
      post: (path: string, fields: Record<string, string> = {}, follow = false) => session.post(path, fields, { follow, headers }),
      get: (path: string) => session.get(path, { headers }),
    };
  };
}

/** The status Directus itself answers a login with this email and password (200: it opens a session). */
export async function directusLoginStatus(stack: Stack, email: string, password: string): Promise<number> {
  const response = await fetch(`${stack.directus.url}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  await response.text();
  return response.status;
}
