// Bounds on guessing secrets, kept on the server in the shared counters (counters.server.ts), never
// in the cookie: failed logins are slowed per account+IP, per account and per IP (Directus's own
// suspension after failed logins is off, see provisioning); every password or code check in a
// session or a half-finished login counts its wrong answers per account; an accepted two-factor code
// is used once. Why and the numbers: docs/decisions/013-throttling-not-lockout.md.
import { redirect } from "react-router";
import { endDirectusSession, type AuthResult } from "../sign-in/auth.server";
import { config } from "../config.server";
import { counterKey, createCounter, type Counted } from "./counters.server";
import { signOut, type SessionState } from "../session/session.server";
import { ipCounterKey } from "../http/client-ip.server";

const limits = config.throttle;

const perAccountAndIp = createCounter({
  name: "login-failures-account-ip",
  points: limits.perAccountAndIp,
  windowSeconds: limits.windowSeconds,
  blockSeconds: limits.blockSeconds,
});
const perAccount = createCounter({
  name: "login-failures-account",
  points: limits.perAccount,
  windowSeconds: limits.windowSeconds,
  blockSeconds: limits.accountBlockSeconds,
});
const perIp = createCounter({ name: "login-failures-ip", points: limits.perIp, windowSeconds: limits.windowSeconds, blockSeconds: limits.blockSeconds });
// A browser that proved itself for the account (device-cookie.server.ts) is counted on its own, with
// the account+IP pair's numbers, wherever it comes from: a stranger's campaign cannot block it, and a
// stolen device cookie guesses no faster than one source does.
const perKnownDevice = createCounter({
  name: "login-failures-known-device",
  points: limits.perAccountAndIp,
  windowSeconds: limits.windowSeconds,
  blockSeconds: limits.blockSeconds,
});

const wrongSecrets = createCounter({ name: "wrong-secrets", points: limits.wrongSecrets, windowSeconds: limits.wrongSecretWindowSeconds });
// otplib's 30-second step, Directus accepting only the current one: 90 s outlasts any code's life.
const usedCodes = createCounter({ name: "used-codes", points: 1, windowSeconds: 90 });

/** "Try again in …", in seconds up to two minutes, then in whole minutes. */
export function waitMessage(retryAfterSeconds: number): string {
  const wait = retryAfterSeconds < 120 ? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}` : `${Math.ceil(retryAfterSeconds / 60)} minutes`;
  return `Too many failed attempts. Try again in ${wait}.`;
}

export type ThrottledLogin = { throttled: true; retryAfterSeconds: number };

/**
 * Runs `attempt` (a login with this email and password) unless its account, IP or the pair is over
 * its limit. Each attempt is counted before Directus is asked, so parallel requests cannot slip past
 * the limit together; a right password (also one that only lacks its code) takes the count back
 * and clears the pair's failures, and so does an answer that checked nothing (Directus down).
 * Unknown addresses are counted the same way, so the throttle tells nothing about who has an account.
 * `knownDevice`: the nonce of this browser's device cookie for this account (device-cookie.server.ts),
 * when it has one; then only that browser's own counter applies.
 */
export async function throttledLogin(
  email: string,
  clientIp: string | null,
  attempt: () => Promise<AuthResult>,
  knownDevice: string | null = null,
): Promise<AuthResult | ThrottledLogin> {
  const account = email.toLowerCase();
  const ip = ipCounterKey(clientIp);
  const pair = knownDevice
    ? { counter: perKnownDevice, key: counterKey(account, knownDevice) }
    : { counter: perAccountAndIp, key: counterKey(account, ip) };
  const counters = knownDevice ? [pair] : [pair, { counter: perAccount, key: counterKey(account) }, { counter: perIp, key: counterKey(ip) }];
  // Over already: one more hit starts (or reads) the block, and nothing else is counted.
  for (const { counter, key } of counters) {
    if (!(await counter.check(key)).allowed) return throttled([await counter.hit(key)]);
  }
  const hits = await Promise.all(counters.map(({ counter, key }) => counter.hit(key)));
  if (hits.some((hit) => !hit.allowed)) {
    // Lost a race to a parallel attempt: it never reaches Directus, so the counters that let it through take their point back.
    await Promise.all(counters.map(({ counter, key }, i) => (hits[i]!.allowed ? counter.forgive(key) : null)));
    return throttled(hits);
  }
  const result = await attempt();
  const passwordRight = result.ok || result.codeRefused === true;
  if (passwordRight) {
    await Promise.all(counters.map(({ counter, key }) => (counter === pair.counter ? counter.reset(key) : counter.forgive(key))));
  } else if (result.failure.kind !== "unauthorized") {
    await Promise.all(counters.map(({ counter, key }) => counter.forgive(key)));
  }
  return result;
}

/**
 * Whether a login with this address from this IP, from a browser not known for the account, would be
 * refused now (counting nothing): only then is an unlock link offered and sent. The same for an
 * address without an account, so it tells nothing about who has one.
 */
export async function loginPaused(email: string, clientIp: string | null): Promise<boolean> {
  const account = email.toLowerCase();
  const ip = ipCounterKey(clientIp);
  const checks = await Promise.all([perAccountAndIp.check(counterKey(account, ip)), perAccount.check(counterKey(account)), perIp.check(counterKey(ip))]);
  return checks.some((check) => !check.allowed);
}

function throttled(refusals: Counted[]): ThrottledLogin {
  const retryAfterSeconds = Math.max(1, ...refusals.map((r) => (r.allowed ? 0 : r.retryAfterSeconds)));
  return { throttled: true, retryAfterSeconds };
}

// Passkey sign-ins (sign-in/passkey-sign-in.server.ts), counted apart from passwords. A passkey's
// answer is a signature by a key that never leaves its authenticator: it cannot be guessed, so these
// counters bound the work a script makes Directus do, and they are built so that no count a stranger
// can fill refuses the owner's right passkey:
// - per IP, counted before Directus is asked and refused there once over: only that address's own
//   failures fill it (a right passkey takes its count back), so a stranger holds back only the
//   address they send from (behind one shared address, as LOGIN_FAILURES_PER_IP for logins);
// - per credential id, never refused before the check: the id is the caller's to choose (a script
//   can send any id, so refusing early would bound nothing), while anyone who saw the owner's id
//   could fill it. Once over, a failure is answered "wait" instead of "refused", but the assertion is
//   still checked, so the owner's passkey signs in, and clears the count.
const passkeyPerIp = createCounter({ name: "passkey-failures-ip", points: limits.perIp, windowSeconds: limits.windowSeconds, blockSeconds: limits.blockSeconds });
const passkeyPerCredential = createCounter({
  name: "passkey-failures-credential",
  points: limits.perAccount,
  windowSeconds: limits.windowSeconds,
  blockSeconds: limits.accountBlockSeconds,
});

/** What a passkey check came to: verified, refused, or not made at all (Directus did not answer). */
export type PasskeyOutcome = "right" | "wrong" | "unchecked";

/**
 * Runs `attempt` (one passkey sign-in at Directus) unless this IP is over its limit; counts a refusal
 * per IP and per credential id (see above). A refusal after the credential's limit is answered as
 * throttled, with its wait.
 */
export async function throttledPasskeySignIn<T extends { outcome: PasskeyOutcome }>(
  credentialId: string,
  clientIp: string | null,
  attempt: () => Promise<T>,
): Promise<T | ThrottledLogin> {
  const ip = counterKey(ipCounterKey(clientIp));
  const credential = counterKey(credentialId);
  const ipHit = await passkeyPerIp.hit(ip);
  if (!ipHit.allowed) return throttled([ipHit]);
  const result = await attempt();
  if (result.outcome === "right") await Promise.all([passkeyPerIp.forgive(ip), passkeyPerCredential.reset(credential)]);
  else if (result.outcome === "unchecked") await passkeyPerIp.forgive(ip);
  else {
    const credentialHit = await passkeyPerCredential.hit(credential);
    if (!credentialHit.allowed) return throttled([credentialHit]);
  }
  return result;
}

/** Whose wrong answers are counted: the signed-in user (by id), or the account of a half-finished login (by email). */
export type SecretHolder = { userId: string } | { email: string };

const holderKey = (holder: SecretHolder) => ("userId" in holder ? counterKey("user", holder.userId) : counterKey("login", holder.email.toLowerCase()));

export type SecretCheck = {
  /** The account already had too many wrong answers: nothing may be checked now. */
  refused: boolean;
  retryAfterSeconds: number;
  /** The answer was right: forget the wrong ones before it. */
  right(): Promise<void>;
  /** The answer was wrong; true when that was one too many (the session or login ends). */
  wrong(): Promise<boolean>;
  /** Nothing was checked after all (Directus did not answer): the attempt does not count. */
  unchecked(): Promise<void>;
};

/** Counts one check of a password or code before it is made, so parallel guesses cannot pass the limit together. */
export async function beginSecretCheck(holder: SecretHolder): Promise<SecretCheck> {
  const hit = await wrongSecrets.hit(holderKey(holder));
  return { refused: !hit.allowed, retryAfterSeconds: hit.allowed ? 0 : hit.retryAfterSeconds, ...secretCheckEnding(holder) };
}

/**
 * The endings of a check begun (counted) in an earlier request and answered in this one: a sign-in
 * at an identity provider leaves the app between the two.
 */
export function secretCheckEnding(holder: SecretHolder): Pick<SecretCheck, "right" | "wrong" | "unchecked"> {
  const key = holderKey(holder);
  return {
    right: () => wrongSecrets.reset(key),
    wrong: async () => !(await wrongSecrets.check(key)).allowed,
    unchecked: () => wrongSecrets.forgive(key),
  };
}

export const TOO_MANY_WRONG_SECRETS = "Too many wrong attempts. You have been logged out to protect your account; please log in again.";

/** Too many wrong passwords or codes in a signed-in session: it ends at Directus, so every copy of its cookie dies. */
export async function endSessionAfterWrongSecrets(state: SessionState, clientIp: string | null): Promise<never> {
  const tokens = state.session.get("tokens");
  if (tokens) await endDirectusSession(tokens.accessToken, clientIp);
  signOut(state, TOO_MANY_WRONG_SECRETS);
  throw redirect("/login");
}

/** "Try again in …" for a check refused before it was made: the account's wrong answers wait out their window. */
export function tooManyWrongMessage(what: "attempts" | "codes", retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many wrong ${what}. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/**
 * Claims a two-factor code for this account before Directus checks it: true once per code within its
 * life, atomically across app instances, so a seen or replayed code, or two parallel requests with
 * one code, sign in or turn two-factor off at most once.
 */
export async function claimCode(email: string, code: string): Promise<boolean> {
  return (await usedCodes.hit(counterKey(email.toLowerCase(), code))).allowed;
}
