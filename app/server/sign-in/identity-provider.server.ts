// Signing in through an identity provider, relayed by the app (docs/decisions/018). The app starts
// the flow at Directus as its own origin, keeps Directus's state cookie in its sealed cookie as a
// step, and its callback hands the provider's answer to Directus and takes the session token from
// Directus's answer. Directus's cookies never reach the browser; every ending is a page in our words.
import { timingSafeEqual } from "node:crypto";
import { redirect } from "react-router";
import { readMe, readPolicyGlobals } from "@directus/sdk";
import { identityProviders, IdentityProviderSettingError, type IdentityProvider } from "#app/lib/identity-providers.ts";
import { safeRedirect } from "#app/lib/safe-redirect.ts";
import { CONFIRM_PATH, securedActions } from "#app/lib/secured-actions.ts";
import { ConfigError, config } from "../config.server";
import { finishAtDirectus, RelayUnavailable, startAtDirectus, type RelayAnswer } from "../directus/directus-relay.server";
import { closeDirectusSession, type SessionTokens } from "../directus/directus-session.server";
import { directusClient } from "../directus/directus.server";
import { endSessionAfterWrongSecrets, secretCheckEnding } from "../limits/throttle.server";
import { confirmedItsYou, flash, signIn, type SessionState } from "../session/session.server";
import { beginStep, currentStep, endStep, type IdentityProviderStep } from "../session/steps.server";
import { claimCode } from "../limits/throttle.server";
import { endDirectusSession, toSessionUser } from "./auth.server";
import { proofOf } from "./provider-proof.server";

const REDIRECT_MAX = 512;
// A provider's `state` and `code` are short; anything longer is no answer of theirs.
const PARAM_MAX = 2048;

export const messages = {
  unavailable: (label: string) => `We could not reach ${label} just now. Please try again in a moment, or log in with your password.`,
  cancelled: (label: string) => `You cancelled signing in with ${label}. Nothing was changed.`,
  refused: (label: string) => `${label} did not sign you in. Please try again, or log in with your password.`,
  // Directus says the same for an account that is suspended and for a new person when registration
  // through the provider is off; neither is ours to tell apart for a stranger.
  noAccount: (label: string) =>
    `We could not sign you in with ${label}. Either there is no account here for it and new accounts cannot be made this way, or the account is suspended.`,
  addressTaken: (label: string) =>
    `An account with the email address ${label} gave us already exists here, made with a password. Log in with your password instead; we never join accounts on our own.`,
  missing: "That sign-in was not started in this browser, or it has already finished. Please start again.",
  expired: "That sign-in took too long and has expired. Please start again.",
  foreign: "That sign-in answer does not belong to the sign-in this browser started. Please start again.",
  wrongCode: "That code is not right. Enter the code your authenticator app shows now.",
  // Counted per account at Directus (directus-extensions/identity-provider-accounts/codes.js).
  tooManyCodes: "Too many wrong codes for this account. Please wait 15 minutes, then sign in again.",
  // "Confirm it's you" (docs/decisions/023): the provider signed in someone other than this session's account.
  otherAccount: (label: string) =>
    `${label} signed in another account than the one you are using here, so nothing was confirmed. Sign in there as yourself and try again.`,
  confirmed: "Thank you, that is you.",
} as const;

let cached: IdentityProvider[] | null = null;
/** The providers this app offers (IDENTITY_PROVIDERS); a bad setting is a start-up error. */
export function providers(): IdentityProvider[] {
  if (cached) return cached;
  try {
    cached = identityProviders(process.env);
  } catch (error) {
    throw error instanceof IdentityProviderSettingError ? new ConfigError(error.message) : error;
  }
  return cached;
}
// Read as the app starts: a bad setting, or the development provider in production, stops it before it serves.
providers();

/** What the sign-in pages show: the buttons. */
export function providerButtons() {
  return providers().map(({ name, label }) => ({ name, label }));
}

export function findProvider(name: string | undefined): IdentityProvider | null {
  return providers().find((provider) => provider.name === name) ?? null;
}

/** The label of the provider an account signs in with; null for Directus's own ("default": a password). */
export function providerLabel(provider: string | null | undefined): string | null {
  if (!provider || provider === "default") return null;
  return findProvider(provider)?.label ?? provider;
}

function keptRedirect(redirectTo: string | null | undefined) {
  const target = safeRedirect(redirectTo ?? undefined);
  return target.length <= REDIRECT_MAX ? target : "/dashboard";
}

function fail(state: SessionState, message: string, to = "/login") {
  flash(state, message);
  return redirect(to);
}

/**
 * Starts the flow: Directus answers with the provider's address and its state cookie, which the
 * step keeps. Returns the redirect to the provider, or to /login with a message.
 */
export async function startProviderSignIn(
  state: SessionState,
  provider: IdentityProvider,
  {
    redirectTo,
    otp,
    clientIp,
    confirming,
  }: { redirectTo?: string | null; otp?: string; clientIp: string | null; confirming?: IdentityProviderStep["confirming"] },
) {
  const unavailable = () =>
    confirming ? backToConfirming(state, confirming, messages.unavailable(provider.label), "unchecked", clientIp) : fail(state, messages.unavailable(provider.label));
  let answer: RelayAnswer;
  try {
    answer = await startAtDirectus(provider.name, { otp, clientIp });
  } catch (error) {
    if (error instanceof RelayUnavailable || (error instanceof Error && error.name === "AbortError")) return unavailable();
    throw error;
  }
  const cookieName = `${provider.driver}.${provider.name}`;
  const directusState = answer.cookies.get(cookieName)?.value;
  const target = providerUrl(answer.location);
  // Directus could not reach the provider (discovery), or refused the start: it answers with its own admin page.
  if (!directusState || !target) return unavailable();
  // A confirmation must be a fresh sign-in, not the provider remembering the browser: OpenID Connect's
  // max_age=0 asks it to authenticate the person again (Directus offers no setting for one flow only).
  if (confirming && provider.driver === "openid") target.searchParams.set("max_age", "0");
  beginStep(state, {
    name: "identity-provider",
    provider: provider.name,
    state: target.searchParams.get("state") ?? "",
    directusCookie: `${cookieName}=${directusState}`,
    redirectTo: keptRedirect(redirectTo),
    ...(otp ? { code: otp } : {}),
    ...(confirming ? { confirming } : {}),
  });
  return redirect(target.href);
}

// Only an absolute http(s) address on another origin than Directus is the provider's sign-in page.
function providerUrl(location: string | null): URL | null {
  if (!location || !URL.canParse(location)) return null;
  const url = new URL(location);
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.origin === new URL(config.directusUrl).origin) return null;
  return url;
}

function sameText(a: string, b: string) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The provider sent the person back. Refused without this browser's step (login CSRF), with a
 * `state` other than the step's, after the step's lifetime, and a second time (the step ends here).
 * An answer with another `state` leaves the step alone: a stray request (a link or an image on
 * another page) must not cancel the sign-in in progress.
 */
export async function finishProviderSignIn(state: SessionState, provider: IdentityProvider, url: URL, clientIp: string | null) {
  const step = currentStep(state, "identity-provider");
  if (step === "expired") return fail(state, messages.expired);
  if (step === "missing" || step.provider !== provider.name) return fail(state, messages.missing);
  // A confirmation goes back to its page, where this session stays signed in; a sign-in to /login.
  const { confirming } = step;
  const ended = (message: string) => (confirming ? backToConfirming(state, confirming, message, "unchecked", clientIp) : fail(state, message));
  const params = url.searchParams;
  const returned = params.get("state") ?? "";
  if (returned.length > PARAM_MAX || !step.state || !sameText(returned, step.state)) return fail(state, messages.foreign);
  endStep(state);
  const error = params.get("error");
  if (error) return ended(error === "access_denied" ? messages.cancelled(provider.label) : messages.refused(provider.label));
  const code = params.get("code");
  if (!code || code.length > PARAM_MAX) return ended(messages.refused(provider.label));

  // Only what Directus's callback reads goes on: the code, the state, and the issuer (RFC 9207).
  const query = new URLSearchParams({ code, state: returned });
  const iss = params.get("iss");
  if (iss && iss.length <= PARAM_MAX) query.set("iss", iss);
  let answer: RelayAnswer;
  try {
    answer = await finishAtDirectus(provider.name, query, step.directusCookie, { clientIp });
  } catch (error) {
    if (error instanceof RelayUnavailable || (error instanceof Error && error.name === "AbortError")) return ended(messages.unavailable(provider.label));
    throw error;
  }
  const token = answer.cookies.get(config.directusSessionCookie);
  if (!token?.value) {
    const reason = reasonOf(answer.location);
    return confirming ? notConfirmed(state, provider, confirming, reason, clientIp) : failed(state, provider, step, reason);
  }

  const expiresMs = (token.maxAge ?? 0) * 1000;
  const now = Date.now();
  const tokens = { accessToken: token.value, expiresAt: now + expiresMs, renewAt: now + expiresMs / 2 };
  if (confirming) return finishConfirming(state, provider, confirming, tokens, clientIp);
  try {
    const client = directusClient({ token: tokens.accessToken, clientIp });
    const [me, globals] = await Promise.all([
      client.request(readMe({ fields: ["id", "email", "first_name", "last_name"] })),
      client.request(readPolicyGlobals()),
    ]);
    // Directus checked the code; the app takes each code once per account, as on the password path.
    // Keyed as the password path keys it (the address); an account without one, by its id.
    if (step.code && !(await claimCode(me.email ?? me.id, step.code))) {
      await endDirectusSession(tokens.accessToken, clientIp);
      return failed(state, provider, step, "INVALID_OTP");
    }
    signIn(state, { tokens, user: toSessionUser(me), ...(globals?.enforce_tfa ? { twoFactorRequired: true } : {}) });
  } catch {
    return fail(state, messages.unavailable(provider.label));
  }
  return redirect(step.redirectTo);
}

function reasonOf(location: string | null): string {
  if (!location || !URL.canParse(location, "http://relay.invalid")) return "";
  const url = new URL(location, "http://relay.invalid");
  // A code the provider refused (used already, or expired): Directus would start over with prompt=true.
  if (url.searchParams.get("prompt") === "true") return "INVALID_TOKEN";
  return url.searchParams.get("reason") ?? "";
}

function failed(state: SessionState, provider: IdentityProvider, step: IdentityProviderStep, reason: string) {
  switch (reason) {
    case "INVALID_OTP": {
      // Directus checks the code only with the start; the provider is asked again once it is typed.
      // This flow's verifier is kept as the proof a recovery code goes with (provider-proof.server.ts).
      const proof = proofOf(step.directusCookie);
      beginStep(state, { name: "identity-provider-code", provider: provider.name, redirectTo: step.redirectTo, ...(proof ? { proof } : {}) });
      if (step.code) flash(state, messages.wrongCode);
      return redirect("/login/provider-code");
    }
    case "TOO_MANY_WRONG_CODES":
      return fail(state, messages.tooManyCodes);
    case "INVALID_PROVIDER":
      return fail(state, messages.addressTaken(provider.label));
    case "INVALID_CREDENTIALS":
    case "USER_SUSPENDED":
      return fail(state, messages.noAccount(provider.label));
    case "INVALID_TOKEN":
      return fail(state, messages.refused(provider.label));
    default:
      return fail(state, messages.unavailable(provider.label));
  }
}

type Confirming = NonNullable<IdentityProviderStep["confirming"]>;

/**
 * Whether this browser is confirming "it's you" at a provider (docs/decisions/023): its callback is
 * then answered for the signed-in session rather than refused as a sign-in of someone signed in.
 */
export function confirmingAtProvider(state: SessionState): boolean {
  const step = state.session.get("step");
  return step?.name === "identity-provider" && step.confirming !== undefined;
}

/**
 * The provider signed someone in again: `tokens` are a new Directus session of theirs, closed at
 * once whoever it is. Only the account this session belongs to confirms; the session itself is never
 * replaced, so another account's sign-in at the provider changes nothing here.
 */
async function finishConfirming(state: SessionState, provider: IdentityProvider, confirming: Confirming, tokens: SessionTokens, clientIp: string | null) {
  let signedInAs: string;
  try {
    signedInAs = (await directusClient({ token: tokens.accessToken, clientIp }).request(readMe({ fields: ["id"] }))).id;
  } catch {
    return backToConfirming(state, confirming, messages.unavailable(provider.label), "unchecked", clientIp);
  } finally {
    await closeDirectusSession(tokens.accessToken, { clientIp }).catch(() => {});
  }
  if (signedInAs !== confirming.userId || state.session.get("user")?.id !== confirming.userId) {
    return backToConfirming(state, confirming, messages.otherAccount(provider.label), "wrong", clientIp);
  }
  await secretCheckEnding({ userId: confirming.userId }).right();
  confirmedItsYou(state);
  beginStep(state, { name: "confirm-its-you", action: confirming.action, ...(confirming.kept ? { kept: confirming.kept } : {}) });
  flash(state, messages.confirmed);
  return redirect(securedActions[confirming.action].path);
}

/** Directus refused the provider's answer for a confirmation: a wrong code or no account of ours counts as a wrong answer. */
function notConfirmed(state: SessionState, provider: IdentityProvider, confirming: Confirming, reason: string, clientIp: string | null) {
  switch (reason) {
    case "INVALID_OTP":
    case "TOO_MANY_WRONG_CODES":
      return backToConfirming(state, confirming, messages.wrongCode, "wrong", clientIp);
    case "INVALID_PROVIDER":
    case "INVALID_CREDENTIALS":
    case "USER_SUSPENDED":
      return backToConfirming(state, confirming, messages.otherAccount(provider.label), "wrong", clientIp);
    case "INVALID_TOKEN":
      return backToConfirming(state, confirming, messages.refused(provider.label), "unchecked", clientIp);
    default:
      return backToConfirming(state, confirming, messages.unavailable(provider.label), "unchecked", clientIp);
  }
}

/**
 * Back to "confirm it's you" with the action still waiting: the check begun before the provider was
 * asked ends here (one wrong answer too many ends the session, as everywhere).
 */
async function backToConfirming(state: SessionState, confirming: Confirming, message: string, outcome: "wrong" | "unchecked", clientIp: string | null) {
  const ending = secretCheckEnding({ userId: confirming.userId });
  if (outcome === "unchecked") await ending.unchecked();
  else if (await ending.wrong()) await endSessionAfterWrongSecrets(state, clientIp);
  beginStep(state, { name: "confirm-its-you", action: confirming.action, ...(confirming.kept ? { kept: confirming.kept } : {}) });
  return fail(state, message, CONFIRM_PATH);
}

/** The two-factor step of a provider sign-in, or a redirect to /login saying it ended. */
export function requireProviderCodeStep(state: SessionState) {
  const step = currentStep(state, "identity-provider-code");
  if (step === "expired") throw fail(state, messages.expired);
  if (step === "missing") throw fail(state, messages.missing);
  const provider = findProvider(step.provider);
  if (!provider) throw fail(state, messages.missing);
  return { step, provider };
}

export function cancelProviderCode(state: SessionState) {
  endStep(state);
  return redirect("/login");
}
