import { describe, expect, it } from "vitest";
import { sessionsSchema } from "#app/lib/session-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import { endedSession, LIST_UNAVAILABLE, listSessions, toSessionViews } from "#app/server/account/account-sessions.server.ts";
import type { SignedIn } from "#app/server/session/require-user.server.ts";

const HANDLE = "a".repeat(43);
const form = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.append(key, value);
  return data;
};

describe("the sessions page's forms", () => {
  it("takes one session's handle, or the intent to end all others", () => {
    expect(parseForm(sessionsSchema, form({ intent: "end", session: HANDLE }))).toEqual({ ok: true, data: { intent: "end", session: HANDLE } });
    expect(parseForm(sessionsSchema, form({ intent: "end-others" }))).toEqual({ ok: true, data: { intent: "end-others" } });
  });

  it("refuses anything that is not a handle, before asking Directus", () => {
    for (const session of ["", "x", "a".repeat(44), `${"a".repeat(42)}/`, "a".repeat(5000)]) {
      expect(parseForm(sessionsSchema, form({ intent: "end", session })).ok).toBe(false);
    }
    expect(parseForm(sessionsSchema, form({ intent: "delete-everything" })).ok).toBe(false);
  });
});

describe("the extension's answer, as the page shows it", () => {
  const listed = {
    id: HANDLE,
    current: true,
    last_active: "2026-12-02T09:05:00.000Z",
    expires: "2026-12-03T09:05:00.000Z",
    ip: "203.0.113.7",
    user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  };

  it("names the device, keeps the handle, and puts this device first", () => {
    const other = { ...listed, id: "b".repeat(43), current: false, last_active: "2026-12-02T10:00:00.000Z", user_agent: null, ip: null };
    expect(toSessionViews([other, listed])).toEqual([
      { id: HANDLE, current: true, device: "Chrome 131 on Linux", ip: "203.0.113.7", lastActive: "2026-12-02T09:05:00.000Z" },
      { id: "b".repeat(43), current: false, device: "Unknown browser", ip: null, lastActive: "2026-12-02T10:00:00.000Z" },
    ]);
  });

  it("drops what is not a session, and keeps to a bound", () => {
    expect(toSessionViews(null)).toEqual([]);
    expect(toSessionViews([{ id: "../x", current: true }, 42, { ...listed, last_active: "never" }])).toEqual([]);
    expect(toSessionViews(Array.from({ length: 500 }, () => ({ ...listed, current: false })))).toHaveLength(50);
  });
});

describe("what the extension says it ended", () => {
  it("is this device's own session or another, named by its browser", () => {
    expect(endedSession({ current: false, user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0" })).toEqual({ current: false, device: "Firefox 133 on Linux" });
    expect(endedSession({ current: true, user_agent: null })).toEqual({ current: true, device: "Unknown browser" });
    expect(endedSession(undefined)).toEqual({ current: false, device: "Unknown browser" });
  });
});

describe("a Directus that cannot list sessions", () => {
  /** A signed-in user whose Directus answers every call with `status` (the SDK's error shape). */
  const answering = (status: number, code: string) =>
    ({
      directus: {
        request: async () => {
          throw { errors: [{ message: "no", extensions: { code } }], response: new Response(null, { status }) };
        },
      },
    }) as unknown as SignedIn;

  /** What the loader throws: React Router's data() with a message and a status. */
  const thrown = (promise: Promise<unknown>) => promise.then(() => null, (error: { data?: { message?: string }; init?: { status?: number } }) => ({ message: error.data?.message, status: error.init?.status }));

  it("without the extension, says the list is unavailable (a clear page, not a crash)", async () => {
    expect(await thrown(listSessions(answering(404, "ROUTE_NOT_FOUND")))).toEqual({ message: LIST_UNAVAILABLE, status: 503 });
  });

  it("down, says so as every page does", async () => {
    expect(await thrown(listSessions(answering(503, "SERVICE_UNAVAILABLE")))).toMatchObject({ status: 503 });
    expect(await thrown(listSessions(answering(429, "REQUESTS_EXCEEDED")))).toMatchObject({ status: 429 });
  });
});
