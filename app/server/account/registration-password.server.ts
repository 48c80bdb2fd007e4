// The password an account is registered with while its address waits for confirmation: derived
// from the address under a key from SESSION_SECRET, so nobody chooses it and nobody knows it.
// Whoever registers an address first (its owner or a stranger) leaves the same unknown password
// behind; the owner chooses theirs after confirming (docs/decisions/014).
import { createHmac, hkdfSync } from "node:crypto";

// The prefix meets policies that ask for a capital, a small letter, a digit and a symbol; the
// 43 characters after it are the 256-bit HMAC.
const POLICY_PREFIX = "Rp1!";

export function registrationPassword(email: string, secret: string): string {
  const key = Buffer.from(hkdfSync("sha256", secret, "", "registration password", 32));
  return POLICY_PREFIX + createHmac("sha256", key).update(email.trim().toLowerCase()).digest("base64url");
}
