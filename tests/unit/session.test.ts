import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const SECRET = "s".repeat(40);
const SEVEN_DAYS = 7 * 24 * 60 * 60;

// config.server.ts reads the environment once, at import: each case gets a fresh copy of the modules.
async function loadSession(env: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return import("#app/server/session/session.server.ts");
}

function base64url(bytes: number): string {
  return Buffer.from("x".repeat(bytes)).toString("base64url");
}

// A Directus-sized session-mode JWT (about 400 characters, its `session` claim included) and a user with long names.
const realistic = {
  tokens: {
    accessToken: `${base64url(27)}.${base64url(270)}.${base64url(32)}`.padEnd(400, "A").slice(0, 400),
    expiresAt: 1_800_000_000_000,
    renewAt: 1_799_999_000_000,
  },
  user: {
    id: "3f1c2a4e-8b7d-4c6e-9a1f-0b2c3d4e5f60",
    email: "maximilian.alexander.von.humboldt-wiedemann@example-university.edu",
    firstName: "Maximilian Alexander Friedrich Wilhelm",
    lastName: "von Humboldt-Wiedemann de la Fontaine",
  },
};

/** The "name=value" pair a browser would send back for a Set-Cookie header. */
function cookiePair(setCookie: string): string {
  return setCookie.split(";")[0]!;
}

function attributes(setCookie: string): string[] {
  return setCookie.split(";").slice(1).map((part) => part.trim());
}

beforeEach(() => {
  vi.stubEnv("DIRECTUS_URL", "http://127.0.0.1:9");
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("session cookie in development", () => {
  it("round-trips realistic tokens and user unchanged", async () => {
    const { sessionStorage } = await loadSession({ NODE_ENV: "test", SESSION_SECRET: SECRET });
    expect(realistic.tokens.accessToken).toHaveLength(400);

    const session = await sessionStorage.getSession();
    session.set("tokens", realistic.tokens);
    session.set("user", realistic.user);
    const setCookie = await sessionStorage.commitSession(session);

    const reopened = await sessionStorage.getSession(cookiePair(setCookie));
    expect(reopened.get("tokens")).toEqual(realistic.tokens);
    expect(reopened.get("user")).toEqual(realistic.user);
  });

  it("is HttpOnly, SameSite=Lax, Path=/ and lives at most seven days", async () => {
    const { sessionStorage } = await loadSession({ NODE_ENV: "test", SESSION_SECRET: SECRET });
    const session = await sessionStorage.getSession();
    session.set("tokens", realistic.tokens);
    const setCookie = await sessionStorage.commitSession(session);
    const attrs = attributes(setCookie);

    expect(cookiePair(setCookie)).toMatch(/^session=/);
    expect(attrs).toContain("HttpOnly");
    expect(attrs).toContain("SameSite=Lax");
    expect(attrs).toContain("Path=/");
    expect(attrs).not.toContain("Secure");
    const maxAge = Number(attrs.find((attr) => attr.startsWith("Max-Age="))?.slice("Max-Age=".length));
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(SEVEN_DAYS);
  });

  it("stays well under the browsers' 4096-byte cookie limit", async () => {
    const { sessionStorage } = await loadSession({ NODE_ENV: "test", SESSION_SECRET: SECRET });
    const session = await sessionStorage.getSession();
    session.set("tokens", realistic.tokens);
    session.set("user", realistic.user);
    const setCookie = await sessionStorage.commitSession(session);
    const bytes = Buffer.byteLength(setCookie);

    console.info(`session Set-Cookie with realistic tokens: ${bytes} bytes (name=value ${Buffer.byteLength(cookiePair(setCookie))})`);
    expect(bytes).toBeLessThan(4096);
    expect(bytes).toBeLessThan(2048);
  });

  it("opens a tampered cookie as an empty session", async () => {
    const { sessionStorage } = await loadSession({ NODE_ENV: "test", SESSION_SECRET: SECRET });
    const session = await sessionStorage.getSession();
    session.set("tokens", realistic.tokens);
    session.set("user", realistic.user);
    const pair = cookiePair(await sessionStorage.commitSession(session));
    const [name, value] = [pair.slice(0, pair.indexOf("=")), decodeURIComponent(pair.slice(pair.indexOf("=") + 1))];
    expect((await sessionStorage.getSession(pair)).get("tokens")).toEqual(realistic.tokens);
    const dot = value.lastIndexOf(".");
    const payload = value.slice(0, dot);
    const signature = value.slice(dot + 1);

    // Changed payload with the old signature, and the right payload with a changed signature.
    const forgedPayload = Buffer.from(JSON.stringify({ tokens: { ...realistic.tokens, refreshToken: "stolen" }, user: realistic.user })).toString("base64");
    const flipped = signature.startsWith("A") ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    for (const forged of [`${forgedPayload}.${signature}`, `${payload}.${flipped}`, `${payload.slice(1)}.${signature}`]) {
      const opened = await sessionStorage.getSession(`${name}=${encodeURIComponent(forged)}`);
      expect(opened.has("tokens")).toBe(false);
      expect(opened.has("user")).toBe(false);
    }
  });

  it("opens a cookie signed with another secret as an empty session", async () => {
    const signer = await loadSession({ NODE_ENV: "test", SESSION_SECRET: "o".repeat(40) });
    const session = await signer.sessionStorage.getSession();
    session.set("user", realistic.user);
    const pair = cookiePair(await signer.sessionStorage.commitSession(session));

    const { sessionStorage } = await loadSession({ NODE_ENV: "test", SESSION_SECRET: SECRET });
    expect((await sessionStorage.getSession(pair)).has("user")).toBe(false);
  });
});

// Production also needs the app's public URL (for the links Directus emails).
const APP_URL = "https://app.example.com";

describe("session cookie in production", () => {
  it("is named __Host-session and marked Secure, with no Domain", async () => {
    const { sessionStorage } = await loadSession({ NODE_ENV: "production", SESSION_SECRET: SECRET, APP_URL });
    const session = await sessionStorage.getSession();
    session.set("tokens", realistic.tokens);
    const setCookie = await sessionStorage.commitSession(session);
    const attrs = attributes(setCookie);

    expect(cookiePair(setCookie)).toMatch(/^__Host-session=/);
    expect(attrs).toContain("Secure");
    expect(attrs).toContain("Path=/");
    expect(attrs.some((attr) => attr.toLowerCase().startsWith("domain="))).toBe(false);
  });

  it("refuses to start without SESSION_SECRET, with a ConfigError naming it", async () => {
    const failure = await loadSession({ NODE_ENV: "production", SESSION_SECRET: undefined, APP_URL }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    // server.mjs recognises configuration errors by this class name.
    expect((failure as Error).constructor.name).toBe("ConfigError");
    expect((failure as Error).message).toContain("SESSION_SECRET");
  });

  it("refuses a secret shorter than 32 characters", async () => {
    const failure = await loadSession({ NODE_ENV: "production", SESSION_SECRET: "short-secret", APP_URL }).then(
      () => null,
      (error: unknown) => error,
    );
    expect((failure as Error | null)?.constructor.name).toBe("ConfigError");
    expect((failure as Error).message).toContain("SESSION_SECRET");
  });

  it("refuses to start without APP_URL, which no guess may replace there", async () => {
    const failure = await loadSession({ NODE_ENV: "production", SESSION_SECRET: SECRET, APP_URL: undefined }).then(
      () => null,
      (error: unknown) => error,
    );
    expect((failure as Error | null)?.constructor.name).toBe("ConfigError");
    expect((failure as Error).message).toContain("APP_URL is required when NODE_ENV=production");
  });
});

describe("\"confirm it's you\" in the session", () => {
  it("holds CONFIRM_ITS_YOU_MAX_AGE seconds, then asks again; signing in or out forgets it", async () => {
    const { sessionStorage, confirmedItsYou, hasConfirmedItsYou, signIn, signOut } = await loadSession({
      NODE_ENV: "test",
      SESSION_SECRET: SECRET,
      CONFIRM_ITS_YOU_MAX_AGE: "120",
    });
    const state = { session: await sessionStorage.getSession(), changed: false };
    expect(hasConfirmedItsYou(state)).toBe(false);
    const now = 1_800_000_000_000;
    confirmedItsYou(state, now);
    expect(state.changed).toBe(true);
    expect(hasConfirmedItsYou(state, now + 119_999)).toBe(true);
    expect(hasConfirmedItsYou(state, now + 120_000)).toBe(false);

    confirmedItsYou(state);
    signIn(state, realistic);
    expect(hasConfirmedItsYou(state)).toBe(false);
    confirmedItsYou(state);
    signOut(state, "bye");
    expect(hasConfirmedItsYou(state)).toBe(false);
  });

  it("lasts five minutes by default and at most fifteen", async () => {
    const { confirmedItsYou, sessionStorage } = await loadSession({ NODE_ENV: "test", SESSION_SECRET: SECRET });
    const state = { session: await sessionStorage.getSession(), changed: false };
    confirmedItsYou(state, 0);
    expect(state.session.get("confirmedUntil")).toBe(300_000);
    await expect(loadSession({ NODE_ENV: "test", SESSION_SECRET: SECRET, CONFIRM_ITS_YOU_MAX_AGE: "901" })).rejects.toThrow(/CONFIRM_ITS_YOU_MAX_AGE/);
  });
});
