// What a person is told, and which status the page gets, for each kind of Directus failure.
import type { DirectusFailure } from "./directus-errors.server";

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
      return failure.message;
    case "unknown":
      return "Something went wrong at Directus. Please try again.";
  }
}
