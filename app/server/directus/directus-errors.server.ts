// Turns whatever a Directus call threw into one of a few kinds the UI knows how to explain.
import { isDirectusError, type DirectusError } from "@directus/sdk";
import { data } from "react-router";
import { DirectusAnswer, DirectusUnreachable } from "./directus-transport.server";
import { failureMessage, failureStatus } from "./failure-messages.server";

export type DirectusFailure =
  | { kind: "unavailable" }
  | { kind: "rate-limited" }
  | { kind: "unauthorized" }
  | { kind: "forbidden" }
  | { kind: "not-found" }
  | { kind: "invalid"; problems: InputProblem[] }
  | { kind: "unknown"; status: number | null };

/**
 * One value Directus refused: its error code, the field it names and, for FAILED_VALIDATION, the rule
 * that failed. Directus's own message is dropped here: it names collections and echoes values (even a
 * refused password), so what a visitor reads is chosen from the code alone (failure-messages.server.ts).
 */
export type InputProblem = { code: string; field: string | null; rule: string | null };

// The codes Directus (@directus/errors, @directus/validation) answers a refused payload or query with, all 400s.
const INPUT_CODES = new Set([
  "INVALID_PAYLOAD",
  "INVALID_QUERY",
  "FAILED_VALIDATION",
  "RECORD_NOT_UNIQUE",
  "VALUE_TOO_LONG",
  "VALUE_OUT_OF_RANGE",
  "CONTAINS_NULL_VALUES",
  "NOT_NULL_VIOLATION",
  "INVALID_FOREIGN_KEY",
]);

function inputProblem(entry: { extensions?: Record<string, unknown> } | undefined): InputProblem {
  const extensions = entry?.extensions ?? {};
  const code = typeof extensions.code === "string" ? extensions.code : "";
  const field = typeof extensions.field === "string" ? extensions.field : null;
  const rule = code === "FAILED_VALIDATION" && typeof extensions.type === "string" ? extensions.type : null;
  return { code, field, rule };
}

function isNetworkOrTimeout(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof DirectusUnreachable) return true;
  // What fetch and AbortSignal.timeout reject with (a TypeError, TimeoutError or AbortError), from callers outside the transport.
  return error.name === "TimeoutError" || error.name === "AbortError" || error instanceof TypeError;
}

// The SDK's RequestError carries the answer it refused.
function responseStatus(error: unknown): number | null {
  const response = typeof error === "object" && error !== null && "response" in error ? error.response : null;
  return response instanceof DirectusAnswer || response instanceof Response ? response.status : null;
}

// The SDK's guard throws on an empty `errors` array instead of answering false.
function hasDirectusErrorBody(error: unknown): error is DirectusError {
  try {
    return isDirectusError(error);
  } catch {
    return false;
  }
}

/** True when Directus answered with this error code (e.g. TOKEN_EXPIRED), whatever the status. */
export function isDirectusErrorWithCode(error: unknown, code: string): boolean {
  return hasDirectusErrorBody(error) && error.errors?.some((entry) => entry?.extensions?.code === code) === true;
}

// data() builds an instance of a class React Router does not export; its constructor is enough to recognise one.
const RouteData = data(null).constructor;

/**
 * True for what a route handler throws on purpose: a redirect or an error page. requireUser's
 * client throws these from inside a Directus call (a refused session goes to /login), so every
 * catch around a call must let them through rather than classify them as a Directus failure.
 */
export function isRouteResponse(error: unknown): boolean {
  return error instanceof Response || error instanceof RouteData;
}

/** Classifies a failed Directus call; a redirect or error page thrown on the way is rethrown untouched. */
export function classifyDirectusError(error: unknown): DirectusFailure {
  if (isRouteResponse(error)) throw error;
  if (isNetworkOrTimeout(error)) return { kind: "unavailable" };
  const status = responseStatus(error);
  // A proxy's HTML 502/503/504 in front of a stopped Directus has no Directus error body, only the status.
  if (!hasDirectusErrorBody(error)) {
    return status !== null && status >= 502 ? { kind: "unavailable" } : { kind: "unknown", status };
  }

  const first = error.errors?.[0];
  const code = first?.extensions?.code ?? "";

  if (status === 429 || code === "REQUESTS_EXCEEDED") return { kind: "rate-limited" };
  // Wrong password and a refused refresh token both arrive as INVALID_CREDENTIALS; the caller knows which it asked.
  if (status === 401 || ["INVALID_CREDENTIALS", "INVALID_TOKEN", "TOKEN_EXPIRED"].includes(code)) return { kind: "unauthorized" };
  if (code === "FORBIDDEN" || status === 403) return { kind: "forbidden" };
  if (code === "ROUTE_NOT_FOUND" || status === 404) return { kind: "not-found" };
  // Directus lists every refused field (a validation rule may refuse several at once).
  if (status === 400 || INPUT_CODES.has(code)) return { kind: "invalid", problems: error.errors.map(inputProblem) };
  if (status !== null && status >= 502) return { kind: "unavailable" };
  return { kind: "unknown", status };
}


/** For loaders: rethrows a failed Directus call as an error page with a fitting status. */
export function directusFailureResponse(error: unknown): never {
  const failure = classifyDirectusError(error);
  const status = failureStatus(failure);
  throw data({ message: failureMessage(failure) }, { status });
}
