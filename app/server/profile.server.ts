// The signed-in user's own record at Directus: the only user record they may read or change.
import { readMe, updateMe } from "@directus/sdk";
import { data } from "react-router";
import type { FieldErrors } from "#app/lib/validation.ts";
import { toSessionUser } from "./auth.server";
import { classifyDirectusError, directusFailureResponse, type DirectusFailure } from "./directus-errors.server";
import { failureMessage, failureStatus } from "./failure-messages.server";
import type { SignedIn } from "./require-user.server";
import { updateSession } from "./session.server";

const profileFields = ["id", "email", "first_name", "last_name"] as const;

export type ProfileValues = { firstName: string; lastName: string };

export async function getProfile(directus: SignedIn["directus"]) {
  const me = await directus.request(readMe({ fields: [...profileFields] })).catch(directusFailureResponse);
  return { email: me.email ?? "", values: { firstName: me.first_name ?? "", lastName: me.last_name ?? "" } };
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

const formFields: Record<string, keyof ProfileValues> = { first_name: "firstName", last_name: "lastName" };

/** The form's answer to a refused save: Directus's own field errors go under their input. */
export function profileFormFailure(failure: DirectusFailure, values: ProfileValues, attempt: string) {
  const field = failure.kind === "invalid" && failure.field ? formFields[failure.field] : undefined;
  const errors: FieldErrors = field ? { [field]: failureMessage(failure) } : {};
  return data(
    { attempt, values, errors, formError: field ? null : failureMessage(failure), saved: false },
    { status: field ? 400 : failureStatus(failure) },
  );
}
