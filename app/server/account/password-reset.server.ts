// Password reset at Directus. A request for any address gets the same 204 after the same 500 ms
// (Directus 11.17.4 stalls both paths), and the mail goes out after it has answered. The emailed
// token is bound to the password's hash, so once a reset has used it, it stops working; the reset
// also ends every session of that user. At most one reset mail goes to an address in five minutes
// (mail-limits.server.ts); a request over that bound waits out the same 500 ms.
import { passwordRequest, passwordReset } from "@directus/sdk";
import { accountLinks } from "#app/lib/account-links.ts";
import { config } from "../config.server";
import { classifyDirectusError, type DirectusFailure } from "../directus/directus-errors.server";
import { directusClient } from "../directus/directus.server";
import type { LinkProblem } from "./link-token.server";
import { boundedMail } from "../limits/mail-limits.server";
import { linkProblem } from "./registration.server";

type Failure = { ok: false; failure: DirectusFailure };

// Directus 11.17.4 stalls every reset request to this, a constant in services/users.js.
const RESET_STALL_MS = 500;

export async function requestPasswordReset(email: string, clientIp: string | null): Promise<{ ok: true } | Failure> {
  try {
    await boundedMail("reset", email, RESET_STALL_MS, async () => {
      await directusClient({ clientIp }).request(passwordRequest(email, accountLinks(config.appUrl).resetPassword));
    });
    return { ok: true };
  } catch (error) {
    const failure = classifyDirectusError(error);
    // The one refusal that is not the visitor's: a reset link Directus's allow list does not hold.
    // Directus's words go to the operator's log only, never to the page.
    if (failure.kind === "invalid") console.error(`Directus refused the password-reset request: ${error instanceof Error ? error.message : "?"}`);
    return { ok: false, failure };
  }
}

export async function resetPassword(token: string, password: string, clientIp: string | null): Promise<{ ok: true } | { ok: false; problem: LinkProblem } | Failure> {
  try {
    await directusClient({ clientIp }).request(passwordReset(token, password));
    return { ok: true };
  } catch (error) {
    // FORBIDDEN: the token's password hash no longer matches (used), or the account is not active.
    const problem = linkProblem(error, "FORBIDDEN");
    return problem ? { ok: false, problem } : { ok: false, failure: classifyDirectusError(error) };
  }
}
