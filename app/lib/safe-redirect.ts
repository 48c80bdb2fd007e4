// Where to send someone after login: only a path on this site, never another origin.
import { safeRedirect as librarySafeRedirect } from "remix-utils/safe-redirect";

export const DEFAULT_AFTER_LOGIN = "/dashboard";

export function safeRedirect(to: FormDataEntryValue | string | null | undefined): string {
  if (typeof to !== "string") return DEFAULT_AFTER_LOGIN;
  // Browsers drop tabs and newlines inside URLs, so "/\t/evil.example" would become "//evil.example".
  if (/[\u0000-\u001f\u007f\s]/.test(to)) return DEFAULT_AFTER_LOGIN;
  return librarySafeRedirect(to, DEFAULT_AFTER_LOGIN);
}
