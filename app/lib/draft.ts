// What the browser side knows of a draft login (server side: app/server/sign-in/draft-sign-in.server.ts).
import type { FieldErrors } from "./validation.ts";

export type DraftLogin = {
  step: "password" | "code";
  /** Sealed: which account had the session, so only that account's sign-in saves the draft. */
  owner: string;
  /** The page's own form, as sent: carried in hidden fields. */
  fields: Record<string, string>;
  email: string;
  attempt: string;
  errors: FieldErrors;
  formError: string | null;
  notice: string | null;
};

/**
 * For a page's shouldRevalidate: after a draft login, the page's loaders would send the signed-out
 * visitor to /login, and the draft with them.
 */
export function keepsDraftAnswer(actionResult: unknown): boolean {
  return typeof actionResult === "object" && actionResult !== null && "draftLogin" in actionResult;
}
