// The signed-in user's own record at Directus: the only user record they may read or change.
import { readMe, updateMe } from "@directus/sdk";
import { data } from "react-router";
import { toSessionUser } from "../sign-in/auth.server";
import { classifyDirectusError, directusFailureResponse, type DirectusFailure } from "../directus/directus-errors.server";
import { failureStatus, formFailure } from "../directus/failure-messages.server";
import type { SignedIn } from "../session/require-user.server";
import { updateSession } from "../session/session.server";
import { countPasskeys } from "./passkey-list.server";
import { readRecoveryCodes } from "./recovery-codes.server";
import { providerLabel } from "../sign-in/identity-provider.server";

const profileFields = ["id", "email", "first_name", "last_name", "tfa_secret", "provider"] as const;

export type ProfileValues = { firstName: string; lastName: string };

export async function getProfile(directus: SignedIn["directus"]) {
  const me = await directus.request(readMe({ fields: [...profileFields] })).catch(directusFailureResponse);
  return {
    email: me.email ?? "",
    values: { firstName: me.first_name ?? "", lastName: me.last_name ?? "" },
    twoFactor: me.tfa_secret !== null,
    provider: providerLabel(me.provider),
  };
}

/**
 * The profile page: the record and how the account signs in, read from Directus and the
 * account-sign-in extension: its provider (null: a password), how many passkeys it has and how many
 * recovery codes remain (each null when the extension cannot say: the page then just links to them).
 */
export async function profileView(signedIn: SignedIn) {
  const [profile, passkeys, recoveryCodes] = await Promise.all([
    getProfile(signedIn.directus),
    countPasskeys(signedIn),
    readRecoveryCodes(signedIn),
  ]);
  return { ...profile, passkeys, recoveryCodes: profile.twoFactor ? (recoveryCodes?.remaining ?? null) : null };
}

/** The label of the identity provider the account signs in with; null for a password account. */
export async function signInProvider({ directus }: SignedIn): Promise<string | null> {
  const me = await directus.request(readMe({ fields: ["provider"] })).catch(directusFailureResponse);
  return providerLabel(me.provider);
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
