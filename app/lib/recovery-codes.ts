// Recovery codes (docs/decisions/025): ten single-use codes of 10 Crockford base32 characters, shown
// as "xxxxx-xxxxx". What the browser and the server share: how a typed code is read, how a batch is
// written down, and when the person is told to renew.

/** Longer input is no code of ours: refused before anything is done with it (the extension's bound too). */
export const RECOVERY_CODE_INPUT_MAX = 64;
const ALPHABET = /^[0-9a-hjkmnp-tv-z]{10}$/;
/** Two or fewer left: the person is told to renew them. */
export const RENEW_AT_MOST = 2;

/**
 * A typed code as the extension checks it: trimmed, lower-cased, spaces and dashes removed, and the
 * letters people mistake for digits read as those digits (o→0, i and l→1); null when it cannot be one.
 */
export function normaliseRecoveryCode(raw: string): string | null {
  if (raw.length > RECOVERY_CODE_INPUT_MAX) return null;
  const code = raw.trim().toLowerCase().replace(/[\s-]/g, "").replace(/o/g, "0").replace(/[il]/g, "1");
  return ALPHABET.test(code) ? code : null;
}

/** "abcde-fghjk": how a code is shown and written down. */
export function shownCode(code: string): string {
  return code.length === 10 ? `${code.slice(0, 5)}-${code.slice(5)}` : code;
}

/** The downloaded file: what the codes are for, then one code a line. */
export function recoveryCodesText(codes: readonly string[], { site, account, createdAt }: { site: string; account: string; createdAt: Date }): string {
  return [
    `Recovery codes for ${account} at ${site}`,
    `Made ${createdAt.toISOString().slice(0, 10)}. Each code signs you in once when you cannot use your authenticator app.`,
    "Keep them somewhere safe; renewing them from your profile voids these.",
    "",
    ...codes.map(shownCode),
    "",
  ].join("\n");
}

/** What a sign-in with a recovery code says afterwards. */
export function recoveryCodeSignInNotice(remaining: number): string {
  const left = `You signed in with a recovery code. ${remaining} left.`;
  return remaining <= RENEW_AT_MOST ? `${left} ${RENEW_NOW}` : left;
}

export const RENEW_NOW = "Renew them now.";
export const RECOVERY_CODES_PATH = "/profile/recovery-codes";

/** A notice that asks to renew the codes links to where that is done. */
export function noticeLink(message: string | null | undefined): { to: string; label: string } | null {
  return message?.endsWith(RENEW_NOW) ? { to: RECOVERY_CODES_PATH, label: "Renew your recovery codes" } : null;
}
