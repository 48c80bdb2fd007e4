// The forms' answer when Directus refuses a change to the account: each refusal under the field it concerns.
import { data } from "react-router";
import type { DirectusFailure } from "../directus/directus-errors.server";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import type { Failure } from "./account-changes.server";
import { isPasswordRefusal, PASSWORD_POLICY_MESSAGE } from "./registration-errors.server";
import { tooManyWrongMessage } from "../limits/throttle.server";

function fieldErrors(failure: DirectusFailure): Record<string, string> | null {
  // The current password is checked by logging in with it.
  if (failure.kind === "unauthorized") return { currentPassword: "This is not your current password." };
  if (isPasswordRefusal(failure)) return { password: PASSWORD_POLICY_MESSAGE };
  if (failure.kind !== "invalid") return null;
  if (failure.problems.some((problem) => problem.code === "RECORD_NOT_UNIQUE")) return { email: "This address cannot be used for your account. Choose another." };
  if (failure.problems.some((problem) => problem.field === "email")) return { email: "Directus refused this email address." };
  return null;
}

export function accountChangeFailure({ failure, retryAfterSeconds }: Failure, attempt: string, email?: string) {
  const errors = fieldErrors(failure);
  const formError = retryAfterSeconds ? tooManyWrongMessage("attempts", retryAfterSeconds) : failureMessage(failure);
  return data({ attempt, email, errors: errors ?? {}, formError: errors ? null : formError }, { status: errors ? 400 : failureStatus(failure) });
}
