// Maps Directus's answers to a registration onto the form field they concern, by code and field
// only: Directus's own message names its collections and may echo the password.
import type { DirectusFailure } from "./directus-errors.server";

export function registrationErrors(failure: DirectusFailure): Record<string, string> | null {
  if (failure.kind !== "invalid") return null;
  const problems = failure.problems;
  if (problems.some((problem) => problem.code === "RECORD_NOT_UNIQUE")) {
    return { email: "An account with this email already exists. Log in instead." };
  }
  if (problems.some((problem) => problem.field === "password")) {
    return { password: "Directus refused this password. Choose a longer or less common one." };
  }
  // Directus checks the email's form before anything else and answers INVALID_PAYLOAD, naming no field.
  if (problems.some((problem) => problem.field === "email" || problem.code === "INVALID_PAYLOAD")) {
    return { email: "Directus refused this email address." };
  }
  return null;
}
