// A write (new post, edit, profile) that arrives after its session ended is not thrown away: the
// answer is a login form carrying what was sent in hidden fields, posted back to the same page, which
// signs in (through the two-factor code or a recovery code too, or with a passkey) and then does the write. The draft lives only in that
// page and that form body: never in a URL, a log line or the cookie (docs/decisions/019).
import { createContext, data, type RouterContextProvider } from "react-router";
import { loginCodeSchema } from "#app/lib/two-factor-schemas.ts";
import type { DraftLogin } from "#app/lib/draft.ts";
import { loginSchema, parseForm } from "#app/lib/validation.ts";
import { limits } from "#app/lib/limits.ts";
import { config } from "../config.server";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import { directusClient } from "../directus/directus.server";
import { clientIp } from "../http/client-ip.server";
import { knownDevice } from "../session/device-cookie.server";
import { throttledLogin, waitMessage } from "../limits/throttle.server";
import { optionalUser, requireUser, type SignedIn } from "../session/require-user.server";
import { sealCookieValue, unsealCookieValue } from "../session/sealed-cookie.server";
import { getSessionState, signIn } from "../session/session.server";
import { liveStep } from "../session/steps.server";
import { logIn } from "./auth.server";
import { CODE_STEP_ENDED, keepCodeStep, signInWithCode } from "./login-code.server";
import { signInWithPasskey } from "./passkey-sign-in.server";
import { signInWithRecoveryCode } from "./recovery-code-sign-in.server";
import { PASSKEY_UNREADABLE, passkeyResponse } from "#app/lib/passkey-schemas.ts";

export const DRAFT_STEP = "draftStep";
export const DRAFT_OWNER = "draftOwner";
// A draft answered now may be signed in for a day; after that it is shown again, not saved.
const OWNER_LIFETIME_MS = 24 * 60 * 60 * 1000;

export const DRAFT_NOTICE = "Your session has ended. Log in again and what you wrote is saved.";
export const DRAFT_NOT_SAVED = "You are signed in, but not as the account that wrote this, so it was not saved. Here it is to save or discard.";
const UNVERIFIED = "Your email address is not confirmed yet. Open the link we sent you, then log in here.";

export type DraftAnswer = ReturnType<typeof data<{ draftLogin: DraftLogin }>>;

/** `save`: false when whoever signed in is not the account the draft was written under. */
export type DraftWrite<T> = (signedIn: SignedIn, options: { save: boolean }) => Promise<T>;

// Set on a request answered with a draft login, so the page's loaders skip the guard that would send it to /login.
const draftAnswered = createContext<boolean>(false);

export function isDraftAnswer(context: Readonly<RouterContextProvider>): boolean {
  return context.get(draftAnswered);
}

function sealOwner(userId: string | null): string {
  return sealCookieValue({ userId, expiresAt: Date.now() + OWNER_LIFETIME_MS }, config.sessionSecrets[0]!);
}

function openOwner(raw: FormDataEntryValue | null): string | null {
  if (typeof raw !== "string" || raw.length > 1024) return null;
  const value = unsealCookieValue(raw, config.sessionSecrets) as { userId?: unknown; expiresAt?: unknown } | null;
  if (!value || typeof value.userId !== "string" || typeof value.expiresAt !== "number" || Date.now() >= value.expiresAt) return null;
  return value.userId;
}

type Args = { request: Request; context: Readonly<RouterContextProvider> };

/**
 * Runs `write` as the signed-in user. When the session has ended (before or during the write), or
 * the form is the draft login itself, answers with the draft login instead of a redirect to /login.
 * `names`: the fields of the page's own form, the draft to carry.
 */
export async function writeKeepingDraft<T>(args: Args, form: FormData, names: readonly string[], write: DraftWrite<T>): Promise<T | DraftAnswer> {
  const fields = Object.fromEntries(names.map((name) => [name, String(form.get(name) ?? "")]));
  const step = form.get(DRAFT_STEP);
  const resumed = step === "password" || step === "code" || step === "recovery-code" || step === "passkey";
  const owner = resumed ? openOwner(form.get(DRAFT_OWNER)) : (optionalUser(args.context)?.id ?? null);
  // Signed in already (fresh session, or signed in again in another tab): write as that user.
  if (!resumed || optionalUser(args.context)) {
    try {
      const signedIn = await requireUser(args);
      return await write(signedIn, { save: !resumed || isOwner(signedIn, owner) });
    } catch (error) {
      if (!isLoginRedirect(error)) throw error;
      return answer(args.context, { step: "password", owner: sealOwner(owner), fields, notice: DRAFT_NOTICE });
    }
  }
  const signedIn = await signInForDraft(args, form, step);
  if ("step" in signedIn) return answer(args.context, { owner: sealOwner(owner), fields, ...signedIn });
  return write(signedIn, { save: isOwner(signedIn, owner) });
}

// Saved only for the account that wrote it, and not while a policy still holds that account back.
function isOwner(signedIn: SignedIn, owner: string | null): boolean {
  return owner !== null && owner === signedIn.user.id && !signedIn.session.session.get("twoFactorRequired");
}

function isLoginRedirect(error: unknown): boolean {
  return error instanceof Response && error.status >= 300 && error.status < 400 && (error.headers.get("Location") ?? "").startsWith("/login");
}

/** A step to show again; `status`: why (a wrong password is a 401), 200 for the first answer. */
type Again = Partial<DraftLogin> & Pick<DraftLogin, "step"> & { status?: number };

function answer(context: Readonly<RouterContextProvider>, { status = 200, ...draft }: Again & Pick<DraftLogin, "owner" | "fields">): DraftAnswer {
  (context as RouterContextProvider).set(draftAnswered, true);
  return data({ draftLogin: { email: "", errors: {}, formError: null, notice: null, ...draft, attempt: crypto.randomUUID() } }, { status });
}

/** The draft login's password or code step, as /login and /login/code do them: signed in, or the step to show again. */
async function signInForDraft({ request, context }: Args, form: FormData, step: "password" | "code" | "recovery-code" | "passkey"): Promise<SignedIn | Again> {
  const state = getSessionState(context);
  const ip = clientIp(request);
  if (step === "passkey") {
    // The passkey's answer to the challenge /login/passkey gave this browser (passkey-sign-in.server.ts).
    const parsed = passkeyResponse.safeParse(form.get("response"));
    if (!parsed.success) return { step: "password", formError: PASSKEY_UNREADABLE, status: 400 };
    const result = await signInWithPasskey(state, parsed.data, ip);
    if (!result.ok) return { step: "password", formError: result.message, status: result.status };
  } else if (step === "password") {
    const email = String(form.get("email") ?? "").slice(0, limits.emailMax);
    const parsed = parseForm(loginSchema, form);
    if (!parsed.ok) return { step, email, errors: parsed.errors, status: 400 };
    const device = await knownDevice(request.headers.get("Cookie"), parsed.data.email);
    const result = await throttledLogin(parsed.data.email, ip, () => logIn(parsed.data.email, parsed.data.password, ip), device);
    if ("throttled" in result) return { step, email, formError: waitMessage(result.retryAfterSeconds), status: 429 };
    if (!result.ok && result.codeRefused) {
      keepCodeStep(state, parsed.data);
      return { step: "code" };
    }
    if (!result.ok) {
      const pending = liveStep(state, "verification-sent");
      const unverified = result.failure.kind === "unauthorized" && pending?.email.toLowerCase() === parsed.data.email.toLowerCase();
      return { step, email, formError: unverified ? UNVERIFIED : failureMessage(result.failure), status: failureStatus(result.failure) };
    }
    signIn(state, result.session);
  } else {
    // The code step: the authenticator's code, or one of the account's recovery codes instead.
    const codeStep = liveStep(state, "login-code");
    if (!codeStep) return { step: "password", formError: CODE_STEP_ENDED, status: 401 };
    const parsed = parseForm(loginCodeSchema, form);
    const intent = step === "code" ? "verify" : "recovery-code";
    if (!parsed.ok || parsed.data.intent !== intent) return { step: "code", errors: parsed.ok ? {} : parsed.errors, status: 400 };
    try {
      const result =
        parsed.data.intent === "recovery-code"
          ? await signInWithRecoveryCode(state, codeStep, parsed.data.recoveryCode, ip)
          : parsed.data.intent === "verify"
            ? await signInWithCode(state, codeStep, parsed.data.code, ip)
            : null;
      if (!result) return { step: "code", status: 400 };
      if (!result.ok) return { step: "code", formError: result.message, status: result.status };
    } catch (error) {
      // The code step had to start over (too many wrong codes, password changed): back to the password, draft kept.
      if (!(error instanceof Response)) throw error;
      return { step: "password", formError: CODE_STEP_ENDED, status: 401 };
    }
  }
  const user = state.session.get("user")!;
  const tokens = state.session.get("tokens")!;
  return { user, session: state, directus: directusClient({ token: tokens.accessToken, clientIp: ip }) };
}
