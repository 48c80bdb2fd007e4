// Maps Directus's answers to a registration onto the form field they concern.
import type { DirectusFailure } from "./directus-errors.server";

export function registrationErrors(failure: DirectusFailure): Record<string, string> | null {
  if (failure.kind !== "invalid") return null;
  if (failure.code === "RECORD_NOT_UNIQUE" || /unique|already/i.test(failure.message)) {
    return { email: "An account with this email already exists. Log in instead." };
  }
  if (failure.field === "password" || /password/i.test(failure.message)) {
    return { password: "Directus refused this password. Choose a longer or less common one." };
  }
  if (failure.field === "email" || /email/i.test(failure.message)) {
    return { email: "Directus refused this email address." };
  }
  return null;
}
