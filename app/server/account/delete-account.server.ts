// Deleting the signed-in account (docs/decisions/026): after "confirm it's you", one request to the
// account-ownership extension, which deletes the posts, the sign-in data and the Directus user in one
// transaction and ends every session of the account; this browser's sealed session is then emptied.
// Directus failing means nothing was deleted (the extension rolls back), so the person may just retry.
import { customEndpoint } from "@directus/sdk";
import { redirect } from "react-router";
import { classifyDirectusError, isDirectusErrorWithCode, type DirectusFailure } from "../directus/directus-errors.server";
import type { SignedIn } from "../session/require-user.server";
import { signOut } from "../session/session.server";
import { actionDone, requireConfirmed } from "./confirm-its-you.server";

export const DELETE_ACCOUNT_PATH = "/account-ownership/account";

export const NOTHING_DELETED = "Nothing was deleted: Directus did not finish. Your account is as it was; please try again in a moment.";
export const ADMIN_NOT_HERE = "An administrator's account is not deleted here: another administrator removes it in Directus.";

/** What the next page says once the account is gone. */
export const deletedMessage = (email: string) => `Your account has been deleted. We sent a last note to ${email}.`;

export type DeleteFailure = { ok: false; message: string; failure: DirectusFailure };

/**
 * Deletes the account once this session confirmed it's the owner (otherwise redirects to confirm
 * first). On success the session is signed out and the browser sent to /login with the message; on a
 * failure the account is untouched and the page says so.
 */
export async function deleteOwnAccount(signedIn: SignedIn): Promise<DeleteFailure> {
  requireConfirmed(signedIn.session, "delete-account");
  try {
    await signedIn.directus.request(customEndpoint<void>({ path: DELETE_ACCOUNT_PATH, method: "DELETE" }));
  } catch (error) {
    const failure = classifyDirectusError(error);
    return { ok: false, failure, message: isDirectusErrorWithCode(error, "ADMIN_ACCOUNT") ? ADMIN_NOT_HERE : NOTHING_DELETED };
  }
  actionDone(signedIn.session);
  // Directus already ended every session of the account; this browser keeps only the message.
  signOut(signedIn.session, deletedMessage(signedIn.user.email));
  throw redirect("/login");
}
