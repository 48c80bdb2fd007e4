// Many parallel requests per user while Directus sessions keep coming due for renewal (every 3 s
// of a 6 s life): nobody sees anyone else's page, nobody is sent to /login, nothing fails, and
// renewals stay near one per renewal period.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardUserId, HttpSession, uniqueEmail, uuidsIn, type Reply } from "../support/http-session.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { sleep, startStack, type Stack } from "./stack.ts";

const TTL_MS = 6_000;
const RENEW_EVERY_MS = TTL_MS / 2;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ directusEnv: { SESSION_COOKIE_TTL: `${TTL_MS / 1000}s` }, withProxy: true });
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

describe("parallel load across session renewals", () => {
  it("4 users × 50 requests in waves over ~10 s: no cross-user page, no logout, no 5xx, few renewals", async () => {
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
    const periods = Math.ceil(elapsed / RENEW_EVERY_MS);
    const bound = users.length * periods + users.length;
    console.log(
      `[load-expiry] ${tally.requests} requests in ${elapsed} ms: ${refreshes} renewals at Directus ` +
        `(bound ${bound} = ${users.length} users × ${periods} renewal periods + ${users.length}), ` +
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

  it("2 users × 100 interleaved parallel requests, sessions renewed while requests are in flight: every page shows only its own user", async () => {
    const users = await signUp(2, "pair");
    const tally = emptyTally();
    // Start just before the renewal point and slow Directus down past it: some requests carry the
    // old token to Directus after others have renewed it, and both must be served.
    const renewAt = Math.max(...users.map(({ client }) => openSessionCookie(client.sessionCookie(), stack.sessionSecret)!.tokens!.renewAt));
    await sleep(renewAt - 200 - Date.now());
    stack.proxy!.setMode({ kind: "delay", ms: 1_000 });
    const refreshesBefore = stack.proxy!.counts.refreshes;
    const requests: Promise<void>[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        for (const { client, id } of users) requests.push(client.get("/dashboard", { follow: false }).then((reply) => check(reply, id, tally)));
      }
      await Promise.all(requests);
    } finally {
      stack.proxy!.setMode({ kind: "pass" });
    }
    const renewals = stack.proxy!.counts.refreshes - refreshesBefore;
    console.log(
      `[load-expiry] interleaved: ${tally.requests} requests, cross-user ${tally.crossUser}, 5xx ${tally.serverErrors}, ` +
        `to /login ${tally.toLogin}, renewals while requests were in flight ${renewals}`,
    );
    expect(tally.requests).toBe(200);
    expect(tally.crossUser).toBe(0);
    expect(tally.serverErrors).toBe(0);
    expect(tally.toLogin).toBe(0);
    expect(tally.other).toEqual([]);
    expect(renewals, "sessions were renewed during the burst").toBeGreaterThan(0);
  });
});
