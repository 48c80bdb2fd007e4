// The sealed cookie session: the Directus session token, a small user snapshot and when the
// session began, plus the step of a multi-step flow in progress (steps.server.ts), nothing else.
// Encrypted and signed (sealed-cookie.server.ts).
import { createCookieSessionStorage, createContext, type RouterContextProvider, type Session } from "react-router";
import { config } from "../config.server";
import type { SessionTokens } from "../directus/directus-session.server";
import { createSealedCookie } from "./sealed-cookie.server";
import type { Step } from "./steps.server";

import type { SessionUser } from "#app/lib/user.ts";

export type { SessionTokens, SessionUser };

export type SessionData = {
  tokens: SessionTokens;
  user: SessionUser;
  /** Epoch milliseconds of the login: the absolute lifetime (SESSION_MAX_AGE) counts from here. */
  startedAt: number;
  /** A policy requires two-factor sign-in and the user has none yet: set at login, cleared once set up. */
  twoFactorRequired?: true;
  /** The step of a multi-step flow in progress: set and read through steps.server.ts only; signing in or out drops it (a sign-in keeps an email-change link waiting for it). */
  step?: Step;
  /**
   * Until when (epoch milliseconds) this session's last "confirm it's you" holds
   * (account/confirm-its-you.server.ts, docs/decisions/023); signing in or out drops it.
   */
  confirmedUntil?: number;
};
export type SessionFlash = { message: string };
export type AppSession = Session<SessionData, SessionFlash>;

// Browsers refuse a __Host- cookie unless it is Secure, Path=/ and has no Domain: exactly what production sends.
const cookieName = config.isProduction ? "__Host-session" : "session";

const cookieOptions = {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  secure: config.isProduction,
  maxAge: config.sessionMaxAgeSeconds,
} as const;

export const sessionStorage = createCookieSessionStorage<SessionData, SessionFlash>({
  cookie: createSealedCookie(cookieName, { ...cookieOptions, secrets: config.sessionSecrets }),
});

// Opens with the newest secret only: a session that fails here but opened above was sealed by an older one.
const newestSecretCookie = createSealedCookie(cookieName, { ...cookieOptions, secrets: config.sessionSecrets.slice(0, 1) });

export async function isSignedWithOlderSecret(cookieHeader: string | null): Promise<boolean> {
  if (!cookieHeader || config.sessionSecrets.length < 2) return false;
  return (await newestSecretCookie.parse(cookieHeader)) === null;
}

/**
 * What the request handlers change; the session middleware writes the cookie once, on the way out.
 * `tokensReplaced`: this request got its tokens from Directus (login, renewal) or removed them,
 * rather than writing back the ones the browser sent.
 */
export type SessionState = {
  session: AppSession;
  changed: boolean;
  tokensReplaced?: boolean;
  /** The account this browser just proved itself for: the middleware adds it to the device cookie (device-cookie.server.ts). */
  knownDeviceFor?: string;
};
export const sessionContext = createContext<SessionState>();

export function getSessionState(context: Readonly<RouterContextProvider>): SessionState {
  return context.get(sessionContext);
}

/** Reads the one-time message and consumes it (which rewrites the cookie). */
export function takeFlash(state: SessionState): string | null {
  const message = state.session.get("message");
  if (message === undefined) return null;
  state.changed = true;
  return message;
}

/** Keeps a one-time message for the next page, where takeFlash shows it. */
export function flash(state: SessionState, message: string) {
  state.session.flash("message", message);
  state.changed = true;
}

/** Ends the signed-in session, keeping only a one-time message for the next page. */
export function signOut(state: SessionState, message: string) {
  state.session.unset("tokens");
  state.session.unset("user");
  state.session.unset("startedAt");
  state.session.unset("twoFactorRequired");
  state.session.unset("step");
  state.session.unset("confirmedUntil");
  state.session.flash("message", message);
  state.changed = true;
  state.tokensReplaced = true;
}

/** Replaces the tokens, the user snapshot, or both; every change goes through here so the cookie is rewritten. */
export function updateSession(state: SessionState, patch: Partial<Pick<SessionData, "tokens" | "user">>) {
  if (patch.tokens) {
    state.session.set("tokens", patch.tokens);
    state.tokensReplaced = true;
  }
  if (patch.user) state.session.set("user", patch.user);
  state.changed = true;
}

/** A new login: a new Directus session, a new user snapshot and a new absolute lifetime. */
export function signIn(state: SessionState, { twoFactorRequired, ...data }: Omit<SessionData, "startedAt" | "step">) {
  updateSession(state, data);
  markKnownDevice(state, data.user.email);
  state.session.set("startedAt", Date.now());
  // Whatever step of a flow was pending, logging in completes it; but an email-change link waits for
  // this very sign-in (only its own account can confirm it: the extension checks).
  // (A passkey sign-in's step keeps the step it interrupted: that one counts.)
  const stored = state.session.get("step");
  const step = stored?.name === "passkey-sign-in" ? stored.interrupted : stored;
  if (step?.name === "email-change-link" && step.purpose === "confirm") state.session.set("step", step);
  else state.session.unset("step");
  state.session.unset("confirmedUntil");
  if (twoFactorRequired) state.session.set("twoFactorRequired", true);
  else state.session.unset("twoFactorRequired");
}

/**
 * This browser proved itself for the account (it signed in, or opened the unlock link mailed to the
 * address): from now on a login from it is not refused by the account-wide block (throttle.server.ts).
 */
export function markKnownDevice(state: SessionState, email: string) {
  state.knownDeviceFor = email;
}

/** Two-factor sign-in is set up: the pages a policy held back open again. */
export function twoFactorSetUp(state: SessionState) {
  state.session.unset("twoFactorRequired");
  state.changed = true;
}

/** True once the session has lived SESSION_MAX_AGE since its login, however active it was. */
export function isPastAbsoluteLifetime(state: SessionState, now = Date.now()): boolean {
  const startedAt = state.session.get("startedAt");
  return typeof startedAt !== "number" || now - startedAt >= config.sessionMaxAgeSeconds * 1000;
}

/** "Confirm it's you" passed just now: actions that secure or hand over the account may go on until it runs out. */
export function confirmedItsYou(state: SessionState, now = Date.now()) {
  state.session.set("confirmedUntil", now + config.confirmItsYouSeconds * 1000);
  state.changed = true;
}

/** Whether this session passed "confirm it's you" recently enough (CONFIRM_ITS_YOU_MAX_AGE). */
export function hasConfirmedItsYou(state: SessionState, now = Date.now()): boolean {
  const until = state.session.get("confirmedUntil");
  return typeof until === "number" && now < until;
}
