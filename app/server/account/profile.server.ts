// The signed-in user's own record at Directus: the only user record they may read or change.
import { readMe, updateMe } from "@directus/sdk";
import { data } from "react-router";
import { toSessionUser } from "../sign-in/auth.server";
import { classifyDirectusError, directusFailureResponse, type DirectusFailure } from "../directus/directus-errors.server";
import { failureStatus, formFailure } from "../directus/failure-messages.server";
import type { SignedIn } from "../session/require-user.server";
import { updateSession } from "../session/session.server";
import { hasPasskeys } from "./passkey-list.server";

const profileFields = ["id", "email", "first_name", "last_name", "tfa_secret"] as const;

export type ProfileValues = { firstName: string; lastName: string };

export async function getProfile(directus: SignedIn["directus"]) {
  const me = await directus.request(readMe({ fields: [...profileFields] })).catch(directusFailureResponse);
  return { email: me.email ?? "", values: { firstName: me.first_name ?? "", lastName: me.last_name ?? "" }, twoFactor: me.tfa_secret !== null };
}

/**
 * The profile page: the record, and whether the account has passkeys (null when the account-sign-in
 * extension cannot say: the page then just links to them).
 */
export async function profileView(signedIn: SignedIn) {
  const [profile, passkeys] = await Promise.all([getProfile(signedIn.directus), hasPasskeys(signedIn)]);
  return { ...profile, passkeys };
}

/** Saves the names and refreshes the session's snapshot, so the header shows them on this very response. */
export async function saveProfile({ directus, session }: SignedIn, values: ProfileValues): Promise<{ ok: true } | { ok: false; failure: DirectusFailure }> {
  try {
    // An emptied name is stored as null, so displayName falls back to the email.
    const me = await directus.request(
      updateMe({ first_name: values.firstName || null, last_name: values.lastName || null }, { fields: [...profileFields] }),
    );
    updateSession(session, { user: toSessionUser(me) });
    return { ok: true };
  } catch (error) {
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

/** The form's answer to a refused save: what Directus refused goes under its input, in our words. */
export function profileFormFailure(failure: DirectusFailure, values: ProfileValues, attempt: string) {
  const { errors, formError } = formFailure(failure, { first_name: "firstName", last_name: "lastName" });
  return data({ attempt, values, errors, formError, saved: false }, { status: failureStatus(failure) });
}
