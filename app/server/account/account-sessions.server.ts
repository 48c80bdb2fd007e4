// The signed-in user's own Directus sessions, through the account-sessions extension
// (directus-extensions/account-sessions): each is named by a handle the extension derives from its
// token, so no token reaches this page. Ending this browser's own session is a logout.
import { customEndpoint } from "@directus/sdk";
import { data, redirect } from "react-router";
import { SESSION_HANDLE, type SessionsIntent } from "#app/lib/session-schemas.ts";
import { classifyDirectusError, directusFailureResponse, type DirectusFailure } from "../directus/directus-errors.server";
import { describeDevice } from "./device-name.server";
import type { SignedIn } from "../session/require-user.server";
import { flash, signOut } from "../session/session.server";

export const SESSIONS_PATH = "/profile/sessions";
/** The extension lists at most 50; the page shows no more whatever it is sent. */
const SESSIONS_MAX = 50;
const IP_MAX = 64;

export const SIGNED_OUT_HERE = "You have been logged out";
export const OTHERS_SIGNED_OUT = "You have been signed out on every other device.";
const ALREADY_ENDED = "That session had already ended.";

export type SessionView = { id: string; current: boolean; device: string; ip: string | null; lastActive: string };

/** The extension's list as the page shows it: checked entry by entry, this device first, then the most recently active. */
export function toSessionViews(listed: unknown): SessionView[] {
  if (!Array.isArray(listed)) return [];
  const views: SessionView[] = [];
  for (const entry of listed.slice(0, SESSIONS_MAX)) {
    if (typeof entry !== "object" || entry === null) continue;
    const { id, current, last_active, ip, user_agent } = entry as Record<string, unknown>;
    if (typeof id !== "string" || !SESSION_HANDLE.test(id) || typeof last_active !== "string" || Number.isNaN(Date.parse(last_active))) continue;
    views.push({
      id,
      current: current === true,
      device: describeDevice(typeof user_agent === "string" ? user_agent : null),
      ip: typeof ip === "string" && ip ? ip.slice(0, IP_MAX) : null,
      lastActive: last_active,
    });
  }
  return views.sort((a, b) => Number(b.current) - Number(a.current) || Date.parse(b.lastActive) - Date.parse(a.lastActive));
}

async function readSessions({ directus }: SignedIn): Promise<SessionView[]> {
  return toSessionViews(await directus.request(customEndpoint<unknown>({ path: "/account-sessions", method: "GET" })));
}

export const LIST_UNAVAILABLE = "The list of your sessions is not available right now. Please try again later.";

/**
 * For the loader: a Directus failure becomes an error page. A 404 means this Directus does not run the
 * account-sessions extension (provisioning says so): the page says the list is unavailable, not that
 * something was not found.
 */
export function listSessions(signedIn: SignedIn): Promise<SessionView[]> {
  return readSessions(signedIn).catch((error: unknown) => {
    if (classifyDirectusError(error).kind === "not-found") throw data({ message: LIST_UNAVAILABLE }, { status: 503 });
    return directusFailureResponse(error);
  });
}

export type SessionsFailure = { ok: false; failure: DirectusFailure };

/**
 * Carries out one of the page's forms. Done: a notice for the next page and a redirect (this page, or
 * /login once this browser's own session ended). Otherwise the failure, for the form to explain.
 */
export async function changeSessions(signedIn: SignedIn, intent: SessionsIntent): Promise<SessionsFailure> {
  try {
    if (intent.intent === "end-others") {
      await signedIn.directus.request(customEndpoint<unknown>({ path: "/account-sessions/end-others", method: "POST" }));
      flash(signedIn.session, OTHERS_SIGNED_OUT);
      throw redirect(SESSIONS_PATH);
    }
    // One call: the extension says what it ended, so a session renewed since the page was shown (its
    // handle then names the renewed one) is ended all the same, and this device's own is known.
    const ended = await signedIn.directus.request(
      customEndpoint<unknown>({ path: `/account-sessions/${intent.session}`, method: "DELETE" }),
    );
    const { current, device } = endedSession(ended);
    if (current) signOutHere(signedIn);
    flash(signedIn.session, `Signed out ${device}.`);
    throw redirect(SESSIONS_PATH);
  } catch (error) {
    const failure = classifyDirectusError(error);
    // Ended meanwhile (another tab, another device): what was asked for is done.
    if (failure.kind === "not-found") {
      flash(signedIn.session, ALREADY_ENDED);
      throw redirect(SESSIONS_PATH);
    }
    return { ok: false, failure };
  }
}

/** The extension's answer to DELETE: `{ current, user_agent }`. */
export function endedSession(answer: unknown): { current: boolean; device: string } {
  const { current, user_agent } = (typeof answer === "object" && answer !== null ? answer : {}) as Record<string, unknown>;
  return { current: current === true, device: describeDevice(typeof user_agent === "string" ? user_agent : null) };
}

/** This browser's own session, ended from the list (Directus has deleted it already): a logout. */
function signOutHere({ session }: SignedIn): never {
  signOut(session, SIGNED_OUT_HERE);
  throw redirect("/login");
}
