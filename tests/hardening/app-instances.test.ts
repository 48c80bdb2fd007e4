// Two app processes sharing SESSION_SECRET and one Directus, as behind a load balancer: one browser's
// parallel requests land on both while the Directus session is renewed again and again. Nobody is
// logged out, nothing fails, and each renewal gives the browser a Directus session it never had.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardUserId, HttpSession, uniqueEmail, uuidsIn, type Reply } from "../support/http-session.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { sleep, startStack, type Stack } from "./stack.ts";

// Directus's session lifetime (the idle timeout); the app renews once half of it has passed.
const SESSION_TTL_MS = 4_000;
const RUN_MS = 14_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    appCount: 2,
    withProxy: true,
    // ACCESS_TOKEN_TTL too, so the test means the same whichever token mode the app uses.
    directusEnv: { SESSION_COOKIE_TTL: `${SESSION_TTL_MS / 1000}s`, ACCESS_TOKEN_TTL: `${SESSION_TTL_MS / 1000}s` },
  });
});
afterAll(async () => {
  await stack?.stop();
});

type Tally = { requests: number; toLogin: number; serverErrors: number; crossUser: number; other: string[] };

function check(reply: Reply, ownId: string, tally: Tally) {
  tally.requests++;
  if (reply.status >= 500) tally.serverErrors++;
  else if (reply.status === 302 && reply.headers.get("Location")?.startsWith("/login")) tally.toLogin++;
  else if (reply.status !== 200) tally.other.push(String(reply.status));
  else if (dashboardUserId(reply.body) !== ownId || uuidsIn(reply.body).some((uuid) => uuid !== ownId)) tally.crossUser++;
}

describe("several app instances, one Directus", () => {
  it("3 users, parallel requests alternating between two app processes over 3+ renewals: 0 logouts, 0 5xx", async () => {
    const users = await Promise.all(
      [0, 1, 2].map(async (index) => {
        const client = new HttpSession(stack.app.url);
        const { id } = await client.register(uniqueEmail(`instances${index}`));
        return { client, id, sessions: new Set<string>() };
      }),
    );
    const tally: Tally = { requests: 0, toLogin: 0, serverErrors: 0, crossUser: 0, other: [] };
    const refreshesBefore = stack.proxy!.counts.refreshes;
    const started = Date.now();
    const inFlight: Promise<void>[] = [];
    let round = 0;
    while (Date.now() - started < RUN_MS) {
      for (const user of users) {
        for (let i = 0; i < 4; i++) {
          // Every other request goes to the other process; each takes the jar's cookie as it is now.
          const app = stack.apps[(round + i) % 2]!;
          inFlight.push(
            user.client.get(`${app.url}/dashboard`, { follow: false }).then((reply) => {
              check(reply, user.id, tally);
              const opened = openSessionCookie(user.client.sessionCookie(), stack.sessionSecret);
              if (opened?.tokens) user.sessions.add(directusSessionOf(opened.tokens.accessToken));
            }),
          );
        }
      }
      round++;
      await sleep(250);
    }
    await Promise.all(inFlight);
    const refreshes = stack.proxy!.counts.refreshes - refreshesBefore;
    const renewalsPerUser = users.map((user) => user.sessions.size - 1);
    console.log(
      `[app-instances] ${tally.requests} requests over ${Date.now() - started} ms on 2 app processes: ` +
        `${refreshes} renewals at Directus, Directus sessions per user ${renewalsPerUser.join("/")} renewals, ` +
        `to /login ${tally.toLogin}, 5xx ${tally.serverErrors}, cross-user ${tally.crossUser}, other ${tally.other.join(",") || 0}`,
    );
    expect(tally.toLogin).toBe(0);
    expect(tally.serverErrors).toBe(0);
    expect(tally.crossUser).toBe(0);
    expect(tally.other).toEqual([]);
    for (const renewals of renewalsPerUser) expect(renewals).toBeGreaterThanOrEqual(3);
  });
});
