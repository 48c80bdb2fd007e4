// What the app takes from the account-sign-in extension before a page shows it or the session keeps it.
import { describe, expect, it } from "vitest";
import { toPasskeyViews } from "#app/server/account/passkey-list.server.ts";
import { challengeOf } from "#app/server/sign-in/passkey-sign-in.server.ts";

const ID = "0b6f3c1e-2a4d-4e5f-9a8b-7c6d5e4f3a2b";
const entry = (extra: Record<string, unknown> = {}) => ({ id: ID, name: "Chrome on Linux", created_at: "2026-12-01T10:00:00.000Z", last_used_at: null, ...extra });

describe("the list of passkeys", () => {
  it("keeps the fields the page shows, checked entry by entry, the newest first; never a key", () => {
    const older = entry({ id: "1b6f3c1e-2a4d-4e5f-9a8b-7c6d5e4f3a2b", created_at: "2026-11-01T10:00:00.000Z", last_used_at: "2026-12-02T10:00:00.000Z", public_key: "secret" });
    expect(toPasskeyViews([older, entry(), { id: "not-a-uuid", created_at: "2026-12-01T10:00:00.000Z" }, entry({ created_at: "yesterday" }), null])).toEqual([
      { id: ID, name: "Chrome on Linux", createdAt: "2026-12-01T10:00:00.000Z", lastUsedAt: null, backedUp: false },
      { id: older.id, name: "Chrome on Linux", createdAt: older.created_at, lastUsedAt: older.last_used_at, backedUp: false },
    ]);
  });

  it("bounds what it is sent: 50 entries, names of 64 characters, a name for a nameless one", () => {
    expect(toPasskeyViews(Array.from({ length: 60 }, () => entry()))).toHaveLength(50);
    expect(toPasskeyViews([entry({ name: "x".repeat(500) })])[0]!.name).toHaveLength(64);
    expect(toPasskeyViews([entry({ name: "  " })])[0]!.name).toBe("Passkey");
    expect(toPasskeyViews({ data: [] })).toEqual([]);
  });
});

describe("a challenge from the extension", () => {
  it("is kept only as a uuid with options beside it, of a bounded size", () => {
    expect(challengeOf({ challenge_id: ID, options: { challenge: "abc" } })).toEqual({ challengeId: ID, options: { challenge: "abc" } });
    expect(challengeOf({ challenge_id: "../x", options: {} })).toBeNull();
    expect(challengeOf({ challenge_id: ID })).toBeNull();
    expect(challengeOf({ challenge_id: ID, options: { padding: "x".repeat(17 * 1024) } })).toBeNull();
    expect(challengeOf(null)).toBeNull();
  });
});
