// Authenticator-app codes for the tests, computed the way Directus checks them (otplib 12's
// `authenticator`, the version Directus 11.17.4 ships: 30-second steps, 6 digits, SHA-1, and no
// window: only the current step's code is accepted).
import { authenticator } from "otplib";

/** Waits, when need be, for the next 30-second step, so that a code computed now lasts this long. */
export async function untilCodeLasts(seconds: number): Promise<void> {
  const remaining = authenticator.timeRemaining();
  if (remaining < seconds) await new Promise((resolve) => setTimeout(resolve, (remaining + 0.2) * 1000));
}

/** The code an authenticator app shows now; waits for the next step when this one is about to end. */
export async function currentCode(secret: string, minRemainingSeconds = 6): Promise<string> {
  await untilCodeLasts(minRemainingSeconds);
  return authenticator.generate(secret);
}

/**
 * The first code after `used` that lasts `minRemainingSeconds`: the app takes each code once, so a
 * second action in the same 30-second step needs the next one.
 */
export async function codeAfter(secret: string, used: string, minRemainingSeconds = 6): Promise<string> {
  for (;;) {
    const code = await currentCode(secret, minRemainingSeconds);
    if (code !== used) return code;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Six digits that are not the current code (nor the neighbouring steps' codes). */
export function wrongCode(secret: string): string {
  const step = authenticator.allOptions().step * 1000;
  const valid = [-1, 0, 1].map((offset) => authenticator.clone({ epoch: Date.now() + offset * step }).generate(secret));
  let candidate = 0;
  while (valid.includes(String(candidate).padStart(6, "0"))) candidate++;
  return String(candidate).padStart(6, "0");
}

/** The secret inside an otpauth:// URL, as an authenticator app reads it from the QR code. */
export function secretOf(otpauthUrl: string): string {
  const secret = new URL(otpauthUrl).searchParams.get("secret");
  if (!secret) throw new Error(`no secret in ${otpauthUrl}`);
  return secret;
}
