// Many parallel requests per user while access tokens keep expiring (3 s): nobody sees anyone
// else's page, nobody is sent to /login, nothing fails, and refreshes stay near one per expiry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardUserId, decodeSessionCookie, HttpSession, uniqueEmail, uuidsIn, type Reply } from "../support/http-session.ts";
import { sleep, startStack, type Stack } from "./stack.ts";

const TTL_MS = 3_000;
// The app refreshes this long before expiry (default 2 s, which would leave a 3 s token 1 s of use
// and make every wave refresh); 500 ms keeps "one refresh per expiry" what is measured.
const MARGIN_MS = 500;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    directusEnv: { ACCESS_TOKEN_TTL: `${TTL_MS / 1000}s` },
    appEnv: { TOKEN_REFRESH_MARGIN_MS: String(MARGIN_MS) },
    withProxy: true,
  });
});
afterAll(async () => {
  await stack?.stop();
});

type Tally = { requests: number; crossUser: number; toLogin: number; serverErrors: number; other: string[] };

function check(reply: Reply, ownId: string, tally: Tally) {
  tally.requests++;
  if (reply.status >= 500) tally.serverErrors++;
  else if (reply.status === 302 && reply.headers.get("Location")?.startsWith("/login")) tally.toLogin++;
  else if (reply.status !== 200) tally.other.push(`${reply.status}`);
  else {
    const shownId = dashboardUserId(reply.body);
    const others = uuidsIn(reply.body).filter((uuid) => uuid !== ownId);
    if (shownId !== ownId || others.length > 0) tally.crossUser++;
  }
}

async function signUp(count: number, label: string) {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const client = new HttpSession(stack.app.url);
      const { id } = await client.register(uniqueEmail(`${label}${index}`));
      return { client, id };
    }),
  );
}

const emptyTally = (): Tally => ({ requests: 0, crossUser: 0, toLogin: 0, serverErrors: 0, other: [] });

describe("parallel load across token expiries", () => {
  it("4 users × 50 requests in waves over ~10 s: no cross-user page, no logout, no 5xx, few refreshes", async () => {
    const users = await signUp(4, "load");
    const tally = emptyTally();
    const refreshesBefore = stack.proxy!.counts.refreshes;
    const started = Date.now();
    const waves = 5;
    const perWave = 10;
    const inFlight: Promise<void>[] = [];
    for (let wave = 0; wave < waves; wave++) {
      for (const { client, id } of users) {
        for (let i = 0; i < perWave; i++) {
          // Each request takes the jar's cookie as it is now; its Set-Cookie updates the jar when it arrives.
          inFlight.push(
            sleep(Math.random() * 200)
              .then(() => client.get("/dashboard", { follow: false }))
              .then((reply) => check(reply, id, tally)),
          );
        }
      }
      if (wave < waves - 1) await sleep(2_000);
    }
    await Promise.all(inFlight);
    const elapsed = Date.now() - started;
    const refreshes = stack.proxy!.counts.refreshes - refreshesBefore;
    const expiriesCrossed = Math.ceil(elapsed / TTL_MS);
    const bound = users.length * expiriesCrossed + users.length;
    console.log(
      `[load-expiry] ${tally.requests} requests in ${elapsed} ms: ${refreshes} refreshes at Directus ` +
        `(bound ${bound} = ${users.length} users × ${expiriesCrossed} expiries + ${users.length}), ` +
        `cross-user ${tally.crossUser}, to /login ${tally.toLogin}, 5xx ${tally.serverErrors}, other ${tally.other.length}`,
    );
    expect(tally.requests).toBe(users.length * waves * perWave);
    expect(tally.crossUser).toBe(0);
    expect(tally.toLogin).toBe(0);
    expect(tally.serverErrors).toBe(0);
    expect(tally.other).toEqual([]);
    expect(refreshes).toBeGreaterThan(0);
    expect(refreshes).toBeLessThanOrEqual(bound);
  });

  it("2 users × 100 interleaved parallel requests, tokens expiring in flight: every page shows only its own user", async () => {
    const users = await signUp(2, "pair");
    const tally = emptyTally();
    // Start just outside the refresh margin, and slow Directus down past the expiry: the app
    // sends tokens it believes valid, Directus refuses them as expired, and the app must refresh
    // and retry instead of failing the page.
    const expiresAt = Math.max(...users.map(({ client }) => decodeSessionCookie(client.sessionCookie() ?? "").tokens!.expiresAt));
    await sleep(expiresAt - (MARGIN_MS + 200) - Date.now());
    stack.proxy!.setMode({ kind: "delay", ms: 1_000 });
    const unauthorizedBefore = stack.proxy!.counts.unauthorized;
    const requests: Promise<void>[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        for (const { client, id } of users) requests.push(client.get("/dashboard", { follow: false }).then((reply) => check(reply, id, tally)));
      }
      await Promise.all(requests);
    } finally {
      stack.proxy!.setMode({ kind: "pass" });
    }
    const expiredInFlight = stack.proxy!.counts.unauthorized - unauthorizedBefore;
    console.log(
      `[load-expiry] interleaved: ${tally.requests} requests, cross-user ${tally.crossUser}, 5xx ${tally.serverErrors}, ` +
        `to /login ${tally.toLogin}, tokens refused as expired in flight (then refreshed and retried) ${expiredInFlight}`,
    );
    expect(tally.requests).toBe(200);
    expect(tally.crossUser).toBe(0);
    expect(tally.serverErrors).toBe(0);
    expect(tally.toLogin).toBe(0);
    expect(tally.other).toEqual([]);
    expect(expiredInFlight, "the retry path was exercised").toBeGreaterThan(0);
  });
});
