// What a person is told, and which status the page gets, for each kind of Directus failure. Every
// word is ours: Directus's own messages name collections and echo values, so they never reach a page.
import type { FieldErrors } from "#app/lib/validation.ts";
import type { DirectusFailure, InputProblem } from "./directus-errors.server";

export function failureStatus(failure: DirectusFailure): number {
  switch (failure.kind) {
    case "unavailable":
      return 503;
    case "rate-limited":
      return 429;
    case "unauthorized":
      return 401;
    case "forbidden":
      return 403;
    case "not-found":
      return 404;
    case "invalid":
      return 400;
    case "unknown":
      return 502;
  }
}

export function failureMessage(failure: DirectusFailure): string {
  switch (failure.kind) {
    case "unavailable":
      return "Directus is not answering right now. Please try again in a moment.";
    case "rate-limited":
      return "Too many attempts. Please wait a minute and try again.";
    case "unauthorized":
      return "Invalid email or password";
    case "forbidden":
      return "You don't have permission to do that.";
    case "not-found":
      return "That item does not exist.";
    case "invalid":
      return problemMessages(failure.problems[0]).form;
    case "unknown":
      return "Something went wrong at Directus. Please try again.";
  }
}

/** One refused value in two wordings: under its own input, and for the form as a whole. */
type ProblemMessages = { field: string; form: string };

const REQUIRED: ProblemMessages = { field: "This field is required.", form: "A required field is empty." };
const UNKNOWN: ProblemMessages = {
  field: "This value was not accepted.",
  form: "Directus did not accept this. Check what you entered and try again.",
};

const byCode: Record<string, ProblemMessages> = {
  RECORD_NOT_UNIQUE: { field: "This is already in use. Choose another.", form: "Something you entered is already in use." },
  VALUE_TOO_LONG: { field: "This is too long.", form: "Something you entered is too long." },
  VALUE_OUT_OF_RANGE: { field: "This number is out of range.", form: "A number you entered is out of range." },
  NOT_NULL_VIOLATION: REQUIRED,
  CONTAINS_NULL_VALUES: REQUIRED,
  INVALID_FOREIGN_KEY: { field: "This refers to something that does not exist.", form: "Something this refers to does not exist." },
  INVALID_PAYLOAD: { field: UNKNOWN.field, form: "Directus could not read this submission. Please try again." },
};

// FAILED_VALIDATION's rule types (@directus/validation); the rest (regex, contains, in, …) is a format problem.
const byValidationRule: Record<string, ProblemMessages> = {
  required: REQUIRED,
  nnull: REQUIRED,
  nempty: REQUIRED,
  email: { field: "Enter a valid email address.", form: "An email address is not valid." },
  lt: { field: "This is over the allowed limit.", form: "Something you entered is over the allowed limit." },
  lte: { field: "This is over the allowed limit.", form: "Something you entered is over the allowed limit." },
  gt: { field: "This is under the allowed minimum.", form: "Something you entered is under the allowed minimum." },
  gte: { field: "This is under the allowed minimum.", form: "Something you entered is under the allowed minimum." },
};
const NOT_ACCEPTED: ProblemMessages = {
  field: "This is not accepted here. Check what you entered.",
  form: "Something you entered is not accepted. Check the form and try again.",
};

function problemMessages(problem: InputProblem | undefined): ProblemMessages {
  if (problem?.code === "FAILED_VALIDATION") return byValidationRule[problem.rule ?? ""] ?? NOT_ACCEPTED;
  return byCode[problem?.code ?? ""] ?? UNKNOWN;
}

/**
 * A refused save as a form shows it: each problem Directus names a field for goes under that input
 * (`inputs` maps Directus's field names to the form's), the rest becomes one message for the form.
 */
export function formFailure(failure: DirectusFailure, inputs: Record<string, string>): { errors: FieldErrors; formError: string | null } {
  if (failure.kind !== "invalid") return { errors: {}, formError: failureMessage(failure) };
  const errors: FieldErrors = {};
  let formError: string | null = null;
  for (const problem of failure.problems) {
    const input = problem.field !== null && Object.hasOwn(inputs, problem.field) ? inputs[problem.field] : undefined;
    if (input) errors[input] ??= problemMessages(problem).field;
    else formError ??= problemMessages(problem).form;
  }
  return { errors, formError };
}
