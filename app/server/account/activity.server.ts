// The signed-in user's recent activity (docs/decisions/027), read from the account-ownership
// extension, which merges its own events table with Directus's activity log. This is the one place
// that turns its events into words: the extension's answer is checked entry by entry, so nothing it
// sends reaches the page unless it is an event of a known shape, and no more than a page of them.
import { customEndpoint } from "@directus/sdk";
import { data } from "react-router";
import { classifyDirectusError, directusFailureResponse } from "../directus/directus-errors.server";
import { directusClient } from "../directus/directus.server";
import type { DirectusAnswer } from "../directus/directus-transport.server";
import { clientIp } from "../http/client-ip.server";
import { providerLabel } from "../sign-in/identity-provider.server";
import { loginRedirect, SESSION_ENDED_MESSAGE, type SignedIn } from "../session/require-user.server";
import { signOut } from "../session/session.server";
import { describeDevice } from "./device-name.server";

/** The extension's page size: it never sends more, and the page shows no more whatever it is sent. */
const PAGE_MAX = 25;
const IP_MAX = 64;
/** The extension's cursor: base64url, at most 100 characters. Checked before it is sent anywhere. */
const CURSOR = /^[A-Za-z0-9_-]{1,100}$/;
const EVENT_ID = /^[A-Za-z0-9:_-]{1,100}$/;
const KIND = /^[a-z][a-z0-9-]{0,63}$/;

export const ACTIVITY_UNAVAILABLE = "Your recent activity is not available right now. Please try again later.";
export const NO_SUCH_PAGE = "That page of your activity does not exist. Start again from your recent activity.";

export type ActivityView = { id: string; at: string; words: string; device: string | null; ip: string | null };
export type ActivityPage = { events: ActivityView[]; next: string | null };

/** The fields of an event the words depend on (the extension's JSON). */
export type ActivityEvent = { kind: string; method?: unknown; count?: unknown; by?: unknown };

const KIND_WORDS: Record<string, string> = {
  "password-changed": "Password changed",
  "email-changed": "Email address changed",
  "two-factor-on": "Two-factor sign-in turned on",
  "two-factor-off": "Two-factor sign-in turned off",
  "account-suspended": "Account suspended",
  "account-activated": "Account activated",
  "profile-changed": "Profile changed",
  "passkey-added": "Passkey added",
  "passkey-removed": "Passkey removed",
  "recovery-codes-renewed": "New recovery codes made",
  "recovery-code-used": "A recovery code used",
  "session-ended": "Session ended",
  "other-sessions-ended": "Signed out on every other device",
};

function signInWords(method: unknown): string {
  if (method === "password") return "Signed in with your password";
  if (method === "passkey") return "Signed in with a passkey";
  if (method === "recovery-code") return "Signed in with a recovery code";
  if (typeof method === "string" && method.startsWith("provider:") && method.length > "provider:".length) {
    return `Signed in with ${providerLabel(method.slice("provider:".length))}`;
  }
  return "Signed in";
}

/** One event as a person reads it. A kind this app does not know yet is said plainly, not guessed at. */
export function describeEvent({ kind, method, count, by }: ActivityEvent): string {
  if (kind === "signed-in") return signInWords(method);
  if (kind === "sign-in-failed") {
    const times = typeof count === "number" && Number.isInteger(count) && count > 1 ? count : 1;
    return times === 1 ? "A failed sign-in" : `${times} failed sign-ins`;
  }
  const words = KIND_WORDS[kind] ?? "Account changed";
  return by === "administrator" ? `${words} by an administrator` : words;
}

function toActivityView(entry: unknown): ActivityView | null {
  if (typeof entry !== "object" || entry === null) return null;
  const { id, at, kind, method, count, by, ip, user_agent } = entry as Record<string, unknown>;
  if (typeof id !== "string" || !EVENT_ID.test(id) || typeof at !== "string" || Number.isNaN(Date.parse(at))) return null;
  if (typeof kind !== "string" || !KIND.test(kind)) return null;
  return {
    id,
    at,
    words: describeEvent({ kind, method, count, by }),
    device: typeof user_agent === "string" && user_agent ? describeDevice(user_agent) : null,
    ip: typeof ip === "string" && ip && ip.length <= IP_MAX ? ip : null,
  };
}

/** The extension's `{ data, next }`, as the page shows it. */
export function toActivityPage(answer: unknown): ActivityPage {
  const { data: listed, next } = (typeof answer === "object" && answer !== null ? answer : {}) as Record<string, unknown>;
  const events: ActivityView[] = [];
  if (Array.isArray(listed)) {
    for (const entry of listed.slice(0, PAGE_MAX)) {
      const view = toActivityView(entry);
      if (view) events.push(view);
    }
  }
  return { events, next: typeof next === "string" && CURSOR.test(next) ? next : null };
}

/** The page's `before` parameter: absent (the newest page), or one cursor of the extension's alphabet. */
export function activityCursor(url: URL): { ok: true; before: string | null } | { ok: false } {
  const values = url.searchParams.getAll("before");
  if (values.length === 0) return { ok: true, before: null };
  const [before] = values;
  return values.length === 1 && before !== undefined && CURSOR.test(before) ? { ok: true, before } : { ok: false };
}

/**
 * The endpoint's whole answer. The SDK hands back only an answer's `data`, and the cursor of the next
 * page is beside it, so the call goes through a client of this request's session token that keeps the
 * raw answer too. requireUser has just renewed the token if it was due; Directus refusing it now means
 * the session ended meanwhile.
 */
async function askActivity(signedIn: SignedIn, request: Request, before: string | null): Promise<unknown> {
  const token = signedIn.session.session.get("tokens")?.accessToken;
  if (!token) throw loginRedirect(request);
  let answer: DirectusAnswer | null = null;
  const client = directusClient({ token, clientIp: clientIp(request), onResponse: (response) => (answer = response) });
  try {
    await client.request(customEndpoint<unknown>({ path: "/account-ownership/activity", method: "GET", params: before ? { before } : {} }));
  } catch (error) {
    if (classifyDirectusError(error).kind === "unauthorized") {
      signOut(signedIn.session, SESSION_ENDED_MESSAGE);
      throw loginRedirect(request);
    }
    throw error;
  }
  return answer ? (answer as DirectusAnswer).json() : null;
}

/**
 * For the loader: one page of the caller's activity, older than `before`. A cursor the extension
 * refuses is a page that does not exist; a 404 means this Directus does not run the extension.
 */
export async function readActivity(signedIn: SignedIn, request: Request, before: string | null): Promise<ActivityPage> {
  try {
    return toActivityPage(await askActivity(signedIn, request, before));
  } catch (error) {
    const failure = classifyDirectusError(error);
    if (failure.kind === "invalid") throw data({ message: NO_SUCH_PAGE }, { status: 400 });
    if (failure.kind === "not-found") throw data({ message: ACTIVITY_UNAVAILABLE }, { status: 503 });
    return directusFailureResponse(error);
  }
}

/** The loader's whole work: the cursor checked before any call, then the page. */
export function activityPage(signedIn: SignedIn, request: Request): Promise<ActivityPage> {
  const cursor = activityCursor(new URL(request.url));
  if (!cursor.ok) throw data({ message: NO_SUCH_PAGE }, { status: 400 });
  return readActivity(signedIn, request, cursor.before);
}
