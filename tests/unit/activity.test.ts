import { describe, expect, it } from "vitest";
import { activityCursor, describeEvent, toActivityPage } from "#app/server/account/activity.server.ts";

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const event = {
  id: "e:123",
  at: "2026-12-06T10:00:00.000Z",
  kind: "signed-in",
  method: "passkey",
  count: 1,
  ip: "203.0.113.9",
  user_agent: CHROME,
  by: "you",
};

describe("an event in plain words", () => {
  it("says how a sign-in was made", () => {
    expect(describeEvent({ ...event, method: "passkey" })).toBe("Signed in with a passkey");
    expect(describeEvent({ ...event, method: "recovery-code" })).toBe("Signed in with a recovery code");
    expect(describeEvent({ ...event, method: "password" })).toBe("Signed in with your password");
    // A provider this app does not offer (any more) is named as Directus knows it.
    expect(describeEvent({ ...event, method: "provider:keycloak" })).toBe("Signed in with keycloak");
    expect(describeEvent({ ...event, method: null })).toBe("Signed in");
  });

  it("counts failed sign-ins and never says what was typed", () => {
    expect(describeEvent({ ...event, kind: "sign-in-failed", method: null, count: 3 })).toBe("3 failed sign-ins");
    expect(describeEvent({ ...event, kind: "sign-in-failed", method: null, count: 1 })).toBe("A failed sign-in");
  });

  it("says who made a change, when it was not you", () => {
    expect(describeEvent({ ...event, kind: "password-changed", method: null })).toBe("Password changed");
    expect(describeEvent({ ...event, kind: "password-changed", method: null, by: "administrator" })).toBe("Password changed by an administrator");
    expect(describeEvent({ ...event, kind: "email-changed", by: "administrator" })).toBe("Email address changed by an administrator");
  });

  it("names every kind the extension records, and something it does not know without guessing", () => {
    const words: Record<string, string> = {
      "two-factor-on": "Two-factor sign-in turned on",
      "two-factor-off": "Two-factor sign-in turned off",
      "account-suspended": "Account suspended",
      "account-activated": "Account activated",
      "profile-changed": "Profile changed",
      "passkey-added": "Passkey added",
      "passkey-removed": "Passkey removed",
      "recovery-codes-renewed": "New recovery codes made",
      "recovery-code-used": "A recovery code used",
      "session-ended": "Session ended",
      "other-sessions-ended": "Signed out on every other device",
      "something-new": "Account changed",
    };
    for (const [kind, text] of Object.entries(words)) expect(describeEvent({ ...event, kind, method: null })).toBe(text);
  });
});

describe("the extension's answer, as the page shows it", () => {
  it("turns each event into words, device, IP and time, newest first as sent, with the cursor of the next page", () => {
    const page = toActivityPage({ data: [event, { ...event, id: "a:9", kind: "password-changed", method: null, ip: null, user_agent: null, by: "administrator" }], next: "MjAyNi0xMi0wNlQxMDowMDowMC4wMDBaOmU6MTIz" });
    expect(page).toEqual({
      events: [
        { id: "e:123", at: "2026-12-06T10:00:00.000Z", words: "Signed in with a passkey", device: "Chrome 131 on Linux", ip: "203.0.113.9" },
        { id: "a:9", at: "2026-12-06T10:00:00.000Z", words: "Password changed by an administrator", device: null, ip: null },
      ],
      next: "MjAyNi0xMi0wNlQxMDowMDowMC4wMDBaOmU6MTIz",
    });
  });

  it("checks entry by entry: drops what is not an event, and keeps to a page's bound", () => {
    expect(toActivityPage(null)).toEqual({ events: [], next: null });
    expect(toActivityPage({ data: "nope", next: 5 })).toEqual({ events: [], next: null });
    const bad = [
      42,
      null,
      { ...event, id: 7 },
      { ...event, id: "x".repeat(101) },
      { ...event, id: "<script>" },
      { ...event, at: "yesterday" },
      { ...event, kind: "Signed in <b>" },
      { ...event, kind: 1 },
    ];
    expect(toActivityPage({ data: bad, next: null }).events).toEqual([]);
    expect(toActivityPage({ data: Array.from({ length: 500 }, () => event), next: null }).events).toHaveLength(25);
    // Odd values of optional fields are dropped, not shown: a count that is no count, an IP past its column.
    const [odd] = toActivityPage({ data: [{ ...event, kind: "sign-in-failed", count: "many", ip: "1".repeat(200), user_agent: 5 }] }).events;
    expect(odd).toEqual({ id: "e:123", at: "2026-12-06T10:00:00.000Z", words: "A failed sign-in", device: null, ip: null });
  });

  it("takes a next cursor only when it could be sent back", () => {
    for (const next of ["", "a b", "x".repeat(101), "abc/def", "abc?x=1", 12]) {
      expect(toActivityPage({ data: [], next }).next).toBeNull();
    }
  });
});

describe("the before parameter", () => {
  const url = (query: string) => new URL(`http://localhost/profile/activity${query}`);

  it("is absent for the newest page", () => {
    expect(activityCursor(url(""))).toEqual({ ok: true, before: null });
  });

  it("is a cursor of the extension's alphabet, at most 100 characters", () => {
    expect(activityCursor(url("?before=MjAyNi0xMi0wNlQxMDowMDowMC4wMDBaOmU6MTIz"))).toEqual({ ok: true, before: "MjAyNi0xMi0wNlQxMDowMDowMC4wMDBaOmU6MTIz" });
    expect(activityCursor(url(`?before=${"a_-".repeat(33)}`)).ok).toBe(true);
  });

  it("is refused before anything is asked when malformed, too long or repeated", () => {
    for (const query of ["?before=", `?before=${"a".repeat(101)}`, `?before=${"a".repeat(100_000)}`, "?before=a%20b", "?before=..%2F..", "?before=%00", "?before=a&before=b", "?before=é"]) {
      expect(activityCursor(url(query)), query).toEqual({ ok: false });
    }
  });
});
