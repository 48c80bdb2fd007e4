// Maps Directus's answers to a registration onto the form field they concern, by code and field
// only: Directus's own message names its collections and may echo the password. (A taken address
// is no answer: Directus registers it with the same silent 204, so the app cannot, and does not, say.)
import type { DirectusFailure } from "../directus/directus-errors.server";

// Directus checks a new password against its auth_password_policy, which it shows no one but admins.
export const PASSWORD_POLICY_MESSAGE = "Directus's password policy refused this password. Choose a longer one, or mix in capitals, digits and symbols.";

/** Directus's refusal of a new password (at registration, reset or change), if that is what it was. */
export function isPasswordRefusal(failure: DirectusFailure): boolean {
  return failure.kind === "invalid" && failure.problems.some((problem) => problem.field === "password");
}

export function registrationErrors(failure: DirectusFailure): Record<string, string> | null {
  if (failure.kind !== "invalid") return null;
  const problems = failure.problems;
  if (isPasswordRefusal(failure)) return { password: PASSWORD_POLICY_MESSAGE };
  // Directus checks the email's form before anything else and answers INVALID_PAYLOAD, naming no field.
  if (problems.some((problem) => problem.field === "email" || problem.code === "INVALID_PAYLOAD")) {
    return { email: "Directus refused this email address." };
  }
  return null;
}
