// The proof that an identity provider just signed a person in, for a recovery code instead of the
// two-factor code (docs/decisions/025): the PKCE code verifier of the flow Directus refused for the
// code. Directus keeps it as the `verifier` claim of its own state cookie (a JWT it signs), which the
// app already holds in the identity-provider step; the account-sign-in extension knows it by its
// hash, written when Directus checked that flow. Read here, never trusted here: the extension decides.

/** The extension's bound on a proof; a PKCE verifier is 43 to 128 characters (RFC 7636). */
export const PROOF_MAX = 256;
const VERIFIER = /^[A-Za-z0-9._~-]+$/;

/** The `verifier` claim of a state cookie kept as "<name>=<jwt>"; null when there is none to read. */
export function proofOf(directusCookie: string): string | null {
  const token = directusCookie.slice(directusCookie.indexOf("=") + 1);
  if (token.length > 8 * 1024) return null;
  const [, payload, signature, ...rest] = token.split(".");
  if (!payload || signature === undefined || rest.length > 0) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const verifier = typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>)["verifier"] : undefined;
  return typeof verifier === "string" && verifier.length <= PROOF_MAX && VERIFIER.test(verifier) ? verifier : null;
}
