// The signed-in user's passkeys as the account-sign-in extension lists them (never a public key):
// checked entry by entry before a page shows them. Read by the passkeys page, the profile and
// "confirm it's you" (a passkey is one of its ways once the account has one).
import { customEndpoint } from "@directus/sdk";
import { limits } from "#app/lib/limits.ts";
import { isRouteResponse } from "../directus/directus-errors.server";
import type { SignedIn } from "../session/require-user.server";

/** The extension keeps at most 50 per account; the page shows no more whatever it is sent. */
export const PASSKEYS_MAX = 50;

export type PasskeyView = { id: string; name: string; createdAt: string; lastUsedAt: string | null; backedUp: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isDate = (value: unknown): value is string => typeof value === "string" && !Number.isNaN(Date.parse(value));

/** The extension's list as the page shows it: checked entry by entry, the most recently added first. */
export function toPasskeyViews(listed: unknown): PasskeyView[] {
  if (!Array.isArray(listed)) return [];
  const views: PasskeyView[] = [];
  for (const entry of listed.slice(0, PASSKEYS_MAX)) {
    if (typeof entry !== "object" || entry === null) continue;
    const { id, name, created_at, last_used_at, backed_up } = entry as Record<string, unknown>;
    if (typeof id !== "string" || !UUID.test(id) || !isDate(created_at)) continue;
    views.push({
      id,
      name: typeof name === "string" && name.trim() ? name.trim().slice(0, limits.passkeyNameMax) : "Passkey",
      createdAt: created_at,
      lastUsedAt: isDate(last_used_at) ? last_used_at : null,
      backedUp: backed_up === true,
    });
  }
  return views.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

export async function readPasskeys({ directus }: SignedIn): Promise<PasskeyView[]> {
  return toPasskeyViews(await directus.request(customEndpoint<unknown>({ path: "/account-sign-in/passkeys", method: "GET" })));
}

/** How many passkeys the account has, for the profile; null when the extension cannot say. */
export async function countPasskeys(signedIn: SignedIn): Promise<number | null> {
  try {
    return (await readPasskeys(signedIn)).length;
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    return null;
  }
}

/** Whether the account has a passkey, for "confirm it's you"; null when the extension cannot say. */
export async function hasPasskeys(signedIn: SignedIn): Promise<boolean | null> {
  const count = await countPasskeys(signedIn);
  return count === null ? null : count > 0;
}

