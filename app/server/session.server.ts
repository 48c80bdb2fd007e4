// The signed cookie session: the Directus tokens and a small user snapshot, nothing else.
import { createCookieSessionStorage, createContext, type RouterContextProvider, type Session } from "react-router";
import { config } from "./config.server";
import { createSignedCookie } from "./signed-cookie.server";

import type { SessionUser } from "#app/lib/user.ts";

export type { SessionUser };

export type SessionTokens = {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number;
};

export type SessionData = { tokens: SessionTokens; user: SessionUser };
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
  cookie: createSignedCookie(cookieName, { ...cookieOptions, secrets: config.sessionSecrets }),
});

// Verifies with the newest secret only: a session that fails here but opened above was signed by an older one.
const newestSecretCookie = createSignedCookie(cookieName, { ...cookieOptions, secrets: config.sessionSecrets.slice(0, 1) });

export async function isSignedWithOlderSecret(cookieHeader: string | null): Promise<boolean> {
  if (!cookieHeader || config.sessionSecrets.length < 2) return false;
  return (await newestSecretCookie.parse(cookieHeader)) === null;
}

/** What the request handlers change; the session middleware writes the cookie once, on the way out. */
export type SessionState = { session: AppSession; changed: boolean };
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
  state.session.flash("message", message);
  state.changed = true;
}

/** Replaces the tokens, the user snapshot, or both; every change goes through here so the cookie is rewritten. */
export function updateSession(state: SessionState, patch: Partial<SessionData>) {
  if (patch.tokens) state.session.set("tokens", patch.tokens);
  if (patch.user) state.session.set("user", patch.user);
  state.changed = true;
}

export function signIn(state: SessionState, data: SessionData) {
  updateSession(state, data);
}
