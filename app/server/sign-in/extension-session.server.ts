// A sign-in the account-sign-in extension checks (a passkey, a recovery code): it answers with a new
// Directus session as a password login does, which becomes this browser's session exactly as after
// one (signIn). One place for both, so they stay alike.
import { classifyDirectusError, type DirectusFailure } from "../directus/directus-errors.server";
import { closeDirectusSession, openExtensionSession } from "../directus/directus-session.server";
import { signedInSession, type SignedInSession } from "./auth.server";

export type ExtensionSignIn =
  | { outcome: "right"; session: SignedInSession; answer: Record<string, unknown> }
  /** The extension's one refusal (401), or an answer it could not read (400). */
  | { outcome: "wrong" }
  /** Nothing was checked (Directus down, the extension missing, or its own bound: "rate-limited"). */
  | { outcome: "unchecked"; failure: DirectusFailure };

export async function signInThroughExtension(path: string, body: unknown, clientIp: string | null): Promise<ExtensionSignIn> {
  let opened;
  try {
    opened = await openExtensionSession(path, body, { clientIp });
  } catch (error) {
    const failure = classifyDirectusError(error);
    if (failure.kind === "unauthorized" || failure.kind === "invalid") return { outcome: "wrong" };
    // A Directus without the extension offers no such sign-in: told as unavailable.
    if (failure.kind === "not-found") return { outcome: "unchecked", failure: { kind: "unavailable" } };
    return { outcome: "unchecked", failure };
  }
  try {
    return { outcome: "right", session: await signedInSession(opened.tokens, clientIp), answer: opened.answer };
  } catch (error) {
    // The session was opened but cannot be read: it is closed again rather than left behind.
    await closeDirectusSession(opened.tokens.accessToken, { clientIp }).catch(() => {});
    return { outcome: "unchecked", failure: classifyDirectusError(error) };
  }
}
