// What the token in an emailed link says about itself. Directus signs these tokens (JWTs) and checks
// them when they come back (the email-change link's, its account-security extension); the app only
// reads them, without the key, to turn away a malformed or expired link before asking Directus, and
// to know which address a password reset or an email change is for. Pages show that address before
// anyone has checked the signature, so a token whose `email` is not an address Directus would take
// (its own rule, email.ts) is a malformed link: anyone can write a token, and no free text of theirs
// reaches a page.
import { isDirectusEmail } from "#app/lib/email.ts";
import { limits } from "#app/lib/limits.ts";

export type LinkScope = "pending-registration" | "password-reset" | "email-change" | "email-change-cancel";
export type LinkToken = { email: string; scope: string; expiresAt: number };

// Beyond what any link's form limits allow, and far beyond a real token (a few hundred characters).
const MAX_TOKEN_LENGTH = 2048;

/** Why a link cannot be used: the page says which, and how to get a new one. */
export type LinkProblem = "invalid" | "expired" | "used";

export function readLinkToken(token: string): LinkToken | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((part) => /^[\w-]+$/.test(part))) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    if (typeof payload.email !== "string" || typeof payload.scope !== "string" || typeof payload.exp !== "number") return null;
    if (payload.email.length > limits.emailMax || !isDirectusEmail(payload.email)) return null;
    return { email: payload.email, scope: payload.scope, expiresAt: payload.exp * 1000 };
  } catch {
    return null;
  }
}

/** The account an email-change link says it is for (its `id`, unchecked: only to word the page; the extension decides), or null. */
export function linkTokenUserId(token: string): string | null {
  if (!readLinkToken(token)) return null;
  const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
  return typeof payload.id === "string" ? payload.id : null;
}

/** The problem with a link's token as far as the app can tell, or null when only Directus can say more. */
export function linkTokenProblem(token: string, scope: LinkScope, now = Date.now()): LinkProblem | null {
  const read = readLinkToken(token);
  if (!read || read.scope !== scope) return "invalid";
  return read.expiresAt <= now ? "expired" : null;
}

/** The page's status for a link that cannot be used: malformed 400, used 409, expired 410. */
export function linkProblemStatus(problem: LinkProblem): number {
  return { invalid: 400, used: 409, expired: 410 }[problem];
}
