// The way in from a new browser while a stranger's failed attempts pause an account's login (issue 30,
// decision 013): a link mailed to the account's own address (by the account-security extension: the
// app has no mail of its own) that marks the browser opening it as a known device for the account
// (device-cookie.server.ts). It signs nobody in: the password is still needed, and is then counted
// against that browser only. The stranger cannot use it: it goes only to the account's address.
import { customEndpoint } from "@directus/sdk";
import { accountLinks } from "#app/lib/account-links.ts";
import { config } from "../config.server";
import { classifyDirectusError, type DirectusFailure } from "../directus/directus-errors.server";
import { directusClient } from "../directus/directus.server";
import type { LinkProblem } from "../account/link-token.server";
import { counterKey, createCounter } from "../limits/counters.server";
import { boundedMail } from "../limits/mail-limits.server";
import { loginPaused } from "../limits/throttle.server";
import { markKnownDevice, type SessionState } from "../session/session.server";

type Failure = { ok: false; failure: DirectusFailure };

/**
 * Asks the extension to mail an unlock link to the address, when a login with it from here is paused
 * now (otherwise there is nothing to unlock: `paused: false`). The answer is the same whether or not
 * the address has an account; the extension mails only an active one, and both it and the app bound
 * the mails per address (the app: one in five minutes; the extension: also per IP).
 */
export async function sendUnlockLink(email: string, clientIp: string | null): Promise<{ ok: true; paused: boolean } | Failure> {
  if (!(await loginPaused(email, clientIp))) return { ok: true, paused: false };
  try {
    const body = JSON.stringify({ email, url: accountLinks(config.appUrl).unlock });
    await boundedMail("unlock", email, 0, () => directusClient({ clientIp }).request(customEndpoint<void>({ path: "/account-security/unlock-link", method: "POST", body })));
    return { ok: true, paused: true };
  } catch (error) {
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

// Each link is taken once across every app instance (the counters live in Redis when REDIS_URL is
// set), before the extension is asked: two browsers opening one link, or a replay, unlock one at most.
// The link works for 15 minutes; the claim outlasts it.
const claimedLinks = createCounter({ name: "unlock-links", points: 1, windowSeconds: 20 * 60 });

/** Redeems the link's token at the extension; on success this browser is a known device for that account. */
export async function unlockBrowser(state: SessionState, token: string, clientIp: string | null): Promise<{ ok: true } | { ok: false; problem: LinkProblem } | Failure> {
  const key = counterKey("unlock-link", token);
  if (!(await claimedLinks.hit(key)).allowed) return { ok: false, problem: "used" };
  try {
    const body = JSON.stringify({ token });
    const { email } = await directusClient({ clientIp }).request(customEndpoint<{ email: string }>({ path: "/account-security/unlock-link/redeem", method: "POST", body }));
    markKnownDevice(state, email);
    return { ok: true };
  } catch (error) {
    const problem = linkProblemOf(error);
    if (problem) return { ok: false, problem };
    // Nothing was checked (Directus down): the link may be tried again.
    await claimedLinks.reset(key).catch(() => {});
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

// The extension names the problem in its error's extensions (directus-extensions/account-security/device-unlock.js).
function linkProblemOf(error: unknown): LinkProblem | null {
  const errors = typeof error === "object" && error !== null && "errors" in error ? (error as { errors: unknown }).errors : null;
  const problem = Array.isArray(errors) ? (errors[0] as { extensions?: { problem?: unknown } } | undefined)?.extensions?.problem : null;
  return problem === "invalid" || problem === "expired" || problem === "used" ? problem : null;
}
