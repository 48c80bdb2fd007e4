import { afterEach, describe, expect, it, vi } from "vitest";

const SECRET = "s".repeat(40);

// config.server.ts reads the environment once, at import: each case gets fresh modules.
async function load(env: Record<string, string | undefined> = {}) {
  vi.stubEnv("NODE_ENV", "production");
  vi.stubEnv("SESSION_SECRET", SECRET);
  vi.stubEnv("DIRECTUS_URL", "http://127.0.0.1:9");
  vi.stubEnv("APP_URL", "https://app.example.com");
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  const session = await import("#app/server/session/session.server.ts");
  const steps = await import("#app/server/session/steps.server.ts");
  const state = { session: await session.sessionStorage.getSession(), changed: false };
  return { ...session, ...steps, state };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const credentials = { email: "ada@example.com", password: "correct horse battery staple", redirectTo: "/posts/7" };

describe("steps between two requests", () => {
  it("keeps a step for five minutes by default, then answers that it expired and forgets it", async () => {
    const { beginStep, currentStep, state } = await load();
    const now = Date.now();
    beginStep(state, { name: "login-code", ...credentials }, { now });
    expect(state.changed).toBe(true);

    const live = currentStep(state, "login-code", now + 5 * 60_000 - 1);
    expect(live).toMatchObject({ name: "login-code", ...credentials, expiresAt: now + 5 * 60_000 });

    state.changed = false;
    expect(currentStep(state, "login-code", now + 5 * 60_000)).toBe("expired");
    expect(state.changed).toBe(true);
    expect(currentStep(state, "login-code", now + 5 * 60_000)).toBe("missing");
  });

  it("answers 'missing' for a step of another name, and leaves that step alone", async () => {
    const { beginStep, currentStep, state } = await load();
    beginStep(state, { name: "two-factor-setup", secret: "JBSWY3DPEHPK3PXP", issuer: "Directus" });
    expect(currentStep(state, "login-code")).toBe("missing");
    expect(currentStep(state, "two-factor-setup")).toMatchObject({ name: "two-factor-setup", secret: "JBSWY3DPEHPK3PXP" });
  });

  it("says whether a live step is in progress without forgetting an expired one (a GET must not change the session)", async () => {
    const { beginStep, stepInProgress, state } = await load();
    expect(stepInProgress(state)).toBe(false);
    const now = Date.now();
    beginStep(state, { name: "verification-sent", email: "ada@example.com" }, { now });
    state.changed = false;
    expect(stepInProgress(state, now)).toBe(true);
    expect(stepInProgress(state, now + 24 * 60 * 60_000)).toBe(false);
    expect(state.changed).toBe(false);
    expect(state.session.get("step")).toMatchObject({ name: "verification-sent" });
  });

  it("holds one step at a time: a new one replaces the old, endStep removes it", async () => {
    const { beginStep, currentStep, endStep, state } = await load();
    beginStep(state, { name: "login-code", ...credentials });
    beginStep(state, { name: "two-factor-setup", secret: "JBSWY3DPEHPK3PXP", issuer: "Directus" });
    expect(currentStep(state, "login-code")).toBe("missing");
    endStep(state);
    expect(currentStep(state, "two-factor-setup")).toBe("missing");
  });

  it("takes a shorter lifetime from TWO_FACTOR_STEP_MAX_AGE and refuses one over five minutes", async () => {
    const { beginStep, currentStep, state } = await load({ TWO_FACTOR_STEP_MAX_AGE: "20" });
    const now = Date.now();
    beginStep(state, { name: "login-code", ...credentials }, { now });
    expect(currentStep(state, "login-code", now + 20_000)).toBe("expired");

    const failure = await load({ TWO_FACTOR_STEP_MAX_AGE: "301" }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.constructor.name).toBe("ConfigError");
    expect(failure?.message).toContain("TWO_FACTOR_STEP_MAX_AGE");
  });

  it("ends with the session: signing in or out removes the step", async () => {
    const { beginStep, currentStep, signIn, signOut, state } = await load();
    beginStep(state, { name: "login-code", ...credentials });
    signIn(state, { tokens: { accessToken: "t", expiresAt: Date.now() + 60_000, renewAt: Date.now() + 30_000 }, user: { id: "u", email: "a@b.c", firstName: null, lastName: null } });
    expect(currentStep(state, "login-code")).toBe("missing");
    beginStep(state, { name: "two-factor-setup", secret: "JBSWY3DPEHPK3PXP", issuer: "Directus" });
    signOut(state, "bye");
    expect(currentStep(state, "two-factor-setup")).toBe("missing");
  });

  it("a sign-in keeps an email-change link waiting for it (its confirmation only), and signing out still drops it", async () => {
    const { beginStep, currentStep, signIn, signOut, state } = await load();
    const tokens = { accessToken: "t", expiresAt: Date.now() + 60_000, renewAt: Date.now() + 30_000 };
    const user = { id: "u", email: "a@b.c", firstName: null, lastName: null };
    beginStep(state, { name: "email-change-link", purpose: "confirm", email: "new@b.c", token: "a.b.c" });
    signIn(state, { tokens, user });
    expect(currentStep(state, "email-change-link")).toMatchObject({ purpose: "confirm", token: "a.b.c" });
    signOut(state, "bye");
    expect(currentStep(state, "email-change-link")).toBe("missing");
    beginStep(state, { name: "email-change-link", purpose: "cancel", email: "old@b.c", token: "a.b.c" });
    signIn(state, { tokens, user });
    expect(currentStep(state, "email-change-link")).toBe("missing");
  });

  it("gives an anonymous session holding a step a cookie that expires with the step", async () => {
    const { beginStep, stepCookieExpiry, state } = await load();
    const now = Date.now();
    expect(stepCookieExpiry(state.session)).toBeUndefined();
    beginStep(state, { name: "login-code", ...credentials }, { now });
    expect(stepCookieExpiry(state.session)?.getTime()).toBe(now + 5 * 60_000);
  });
});

describe("the account steps", () => {
  const HOUR = 3_600_000;

  it("last a day after a verification mail, fifteen minutes after verifying, an hour for a new password", async () => {
    const { beginStep, liveStep, state } = await load();
    const now = 1_800_000_000_000;
    beginStep(state, { name: "verification-sent", email: "ada@example.com" }, { now });
    expect(liveStep(state, "verification-sent", now + 24 * HOUR - 1)).toEqual({ name: "verification-sent", email: "ada@example.com", expiresAt: now + 24 * HOUR });
    expect(liveStep(state, "verification-sent", now + 24 * HOUR)).toBeNull();
    beginStep(state, { name: "email-verified", email: "ada@example.com" }, { now });
    expect(liveStep(state, "email-verified", now + 15 * 60_000)).toBeNull();
    beginStep(state, { name: "password-reset", email: "ada@example.com", token: "t.o.k" }, { now });
    expect(liveStep(state, "password-reset", now + HOUR - 1)?.token).toBe("t.o.k");
    expect(liveStep(state, "password-reset", now + HOUR)).toBeNull();
    // The expired step is gone from the session, not just hidden.
    expect(state.session.has("step")).toBe(false);
  });

  it("end earlier when the link they carry ends first", async () => {
    const { beginStep, liveStep, state } = await load();
    const now = 1_800_000_000_000;
    beginStep(state, { name: "password-reset", email: "ada@example.com", token: "t.o.k" }, { now, notAfter: now + 10 * 60_000 });
    expect(liveStep(state, "password-reset", now + 10 * 60_000 - 1)).not.toBeNull();
    expect(liveStep(state, "password-reset", now + 10 * 60_000)).toBeNull();
  });

  it("are readable by their own name only, and replace a two-factor step", async () => {
    const { beginStep, liveStep, state } = await load();
    beginStep(state, { name: "login-code", ...credentials });
    beginStep(state, { name: "verification-sent", email: "ada@example.com" });
    expect(state.changed).toBe(true);
    expect(liveStep(state, "login-code")).toBeNull();
    expect(liveStep(state, "password-reset")).toBeNull();
    expect(liveStep(state, "verification-sent")?.email).toBe("ada@example.com");
  });
});

describe("a passkey sign-in interrupting the step under way", () => {
  const challenge = "7f0c2a9e-1b2c-4d5e-8f90-123456789abc";

  it("keeps the interrupted step readable, and puts it back when the passkey sign-in ends", async () => {
    const { beginStep, beginPasskeySignIn, endPasskeySignIn, liveStep, state } = await load();
    const now = Date.now();
    beginStep(state, { name: "email-change-link", purpose: "confirm", email: "ada@example.com", token: "t" }, { now });
    beginPasskeySignIn(state, challenge, now);
    expect(liveStep(state, "passkey-sign-in", now)?.challengeId).toBe(challenge);
    expect(liveStep(state, "email-change-link", now)?.email).toBe("ada@example.com");

    // A second attempt replaces the challenge, not what the first one interrupted.
    beginPasskeySignIn(state, "8f0c2a9e-1b2c-4d5e-8f90-123456789abc", now);
    expect(liveStep(state, "passkey-sign-in", now)?.challengeId).toBe("8f0c2a9e-1b2c-4d5e-8f90-123456789abc");
    endPasskeySignIn(state, now);
    expect(liveStep(state, "passkey-sign-in", now)).toBeNull();
    expect(liveStep(state, "email-change-link", now)?.token).toBe("t");
  });

  it("gives the interrupted step back when it expires, and the cookie lives as long as the longer of the two", async () => {
    const { beginStep, beginPasskeySignIn, currentStep, liveStep, stepCookieExpiry, state } = await load();
    const now = Date.now();
    beginStep(state, { name: "verification-sent", email: "ada@example.com" }, { now });
    beginPasskeySignIn(state, challenge, now);
    expect(stepCookieExpiry(state.session)?.getTime()).toBe(now + 24 * 60 * 60_000);
    expect(currentStep(state, "passkey-sign-in", now + 5 * 60_000)).toBe("expired");
    expect(liveStep(state, "verification-sent", now + 5 * 60_000)?.email).toBe("ada@example.com");
    expect(state.session.get("step")?.name).toBe("verification-sent");
  });

  it("lasts five minutes, and leaves nothing when it interrupted nothing live", async () => {
    const { beginStep, beginPasskeySignIn, endPasskeySignIn, currentStep, state } = await load();
    const now = Date.now();
    beginStep(state, { name: "email-verified", email: "ada@example.com" }, { now: now - 16 * 60_000 });
    beginPasskeySignIn(state, challenge, now);
    expect(currentStep(state, "email-verified", now)).toBe("missing");
    expect(currentStep(state, "passkey-sign-in", now + 5 * 60_000)).toBe("expired");
    beginPasskeySignIn(state, challenge, now);
    endPasskeySignIn(state, now);
    expect(state.session.get("step")).toBeUndefined();
  });
});

describe("the sealed cookie with a step in it", () => {
  it("shows none of the credentials, however it is decoded", async () => {
    const { beginStep, sessionStorage, state } = await load();
    beginStep(state, { name: "login-code", ...credentials });
    const setCookie = await sessionStorage.commitSession(state.session);
    const raw = decodeURIComponent(setCookie.split(";")[0]!.split("=").slice(1).join("="));
    const decodings = [raw, ...raw.split(".").flatMap((part) => [Buffer.from(part, "base64"), Buffer.from(part, "base64url")].map((bytes) => bytes.toString("latin1")))];
    // Markers long enough that random ciphertext cannot contain them by chance; and the step's own base64.
    const plainBase64 = Buffer.from(JSON.stringify({ step: { name: "login-code" } })).toString("base64").slice(0, 16);
    for (const text of decodings) {
      for (const marker of [credentials.email, credentials.password, "horse battery", "login-code", "password", "redirectTo", plainBase64]) {
        expect(text).not.toContain(marker);
      }
    }
  });

  it("stays under the browsers' 4096-byte limit with the longest email, password and redirect the forms take", async () => {
    const { beginStep, sessionStorage, state, flash } = await load();
    // Three UTF-8 bytes per character: the most any one UTF-16 unit takes.
    const email = `${"é".repeat(128 - "@example.com".length)}@example.com`;
    beginStep(state, { name: "login-code", email, password: "€".repeat(256), redirectTo: `/${"€".repeat(200)}` });
    flash(state, "Too many wrong codes. Please log in again.");
    const setCookie = await sessionStorage.commitSession(state.session);
    expect(Buffer.byteLength(setCookie)).toBeLessThan(4096);
  });
});
