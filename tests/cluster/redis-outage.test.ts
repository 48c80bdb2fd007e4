// Redis out of the app instances' reach in the middle of a burst of logins: the cluster cuts their
// link to it (every connection closed, new ones refused, as a stopped Redis looks to them; Directus
// keeps its own, see scripts/lib/cluster/redis.mjs). Every login still signs in, and the app's own
// share of a login stays within the bound below, while each instance counts in its own memory; once
// Redis is back, the apps reconnect on their own and count in it together again.
import { randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { control, settings } from "./cluster.ts";

const USERS = 4;
const HEALTHY_MS = 5_000;
// Long enough for ioredis's reconnection delay (50 ms more per attempt) to pass half a second: each
// counter call used to wait for the next attempt, about five of them a login.
const OUTAGE_MS = 15_000;
const RECOVERED_MS = 5_000;
/**
 * The stated bound, in the app's own share of a login: while Redis is away, the app tier's median
 * time for POST /login exceeds the Directus tier's median for the password check it makes
 * (POST /auth/login) by at most this, both as HAProxy logged them. That share holds the app's other
 * Directus calls of a login (its user, its policies) and its counter calls; on a busy 2-core machine,
 * where Directus's password check alone takes seconds, it stayed under a second. Before counters
 * answered from memory, it was over four seconds.
 */
const APP_SHARE_MAX_MS = 2_500;

type Phase = "healthy" | "outage" | "recovered";
type Login = { phase: Phase; ms: number; status: number; path: string };

const [app1, app2] = settings.app.instances;
const redis = new Redis(`redis://${settings.redis.host}:${settings.redis.port}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** How far HAProxy's request log has been written: lines past this were logged later. */
const logOffset = async () => (await stat(settings.proxy.logFile)).size;

/** The medians of the app tier's POST /login and the Directus tier's POST /auth/login that HAProxy logged between two offsets. */
async function loggedLoginMedians(from: number, to: number): Promise<{ app: number; directus: number; count: number }> {
  const app: number[] = [];
  const directus: number[] = [];
  // haproxy.cfg: "app <server> <status> <method> <path> <ms> …" and "directus <server> <status> <method> <user> <ms> <path> …".
  for (const line of (await readFile(settings.proxy.logFile)).subarray(from, to).toString("utf8").split("\n")) {
    const [tier, , , method, fourth, fifth, sixth] = line.split(" ");
    if (tier === "app" && method === "POST" && fourth === "/login") app.push(Number(fifth));
    if (tier === "directus" && method === "POST" && sixth === "/auth/login") directus.push(Number(fifth));
  }
  return { app: median(app), directus: median(directus), count: app.length };
}

/** The app instances' connections Redis holds now (counters.server.ts names them). */
async function appConnections(): Promise<number> {
  const list = String(await redis.call("CLIENT", "LIST"));
  return list.split("\n").filter((line) => / name=app-counters /.test(line)).length;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Wrong-password logins for one address from one IP, on the instances in turn, until the first 429 (at most `max`). */
async function failuresBeforeThrottled(apps: { url: string }[], max = 40): Promise<number> {
  const email = uniqueEmail("redis-outage-guess");
  const from = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
  for (let i = 0; i < max; i++) {
    const reply = await new HttpSession(apps[i % apps.length]!.url).post("/login", { email, password: `wrong-${randomUUID()}` }, { headers: { "X-Forwarded-For": from } });
    if (reply.status === 429) return i;
    expect(reply.status).toBe(401);
  }
  return max;
}

describe("Redis out of the apps' reach during a burst of logins", () => {
  afterAll(async () => {
    await control("start", "app-redis").catch(() => {});
    redis.disconnect();
  });

  it(`${USERS} users keep signing in, the app adding at most ${APP_SHARE_MAX_MS} ms to a login, and the apps count together again once it is back`, async () => {
    expect(app1 && app2).toBeTruthy();
    await until("both app instances connected to Redis", async () => (await appConnections()) === 2);
    const users = await Promise.all(
      Array.from({ length: USERS }, async (_, index) => {
        const client = new HttpSession(settings.app.url, { mailDir: settings.mail.dir });
        const { email, password } = await client.register(uniqueEmail(`redis-outage${index}`));
        await client.logout();
        return { client, email, password };
      }),
    );

    let phase: Phase = "healthy";
    let running = true;
    const logins: Login[] = [];
    // Each user signs in and out again and again, through the proxy (both app instances), at least
    // once more after Redis is back.
    const lanes = users.map(async ({ client, email, password }) => {
      let signedInAfter = false;
      while (running || !signedInAfter) {
        const at = phase;
        const started = performance.now();
        const reply = await client.post("/login", { email, password });
        logins.push({ phase: at, ms: performance.now() - started, status: reply.status, path: reply.path });
        signedInAfter ||= at === "recovered";
        await client.logout();
      }
    });

    await sleep(HEALTHY_MS);
    await control("stop", "app-redis");
    phase = "outage";
    const outageFrom = await logOffset();
    await until("Redis to see the apps' connections closed", async () => (await appConnections()) === 0, 5_000);
    await sleep(OUTAGE_MS);
    const outageTo = await logOffset();
    await control("start", "app-redis");
    phase = "recovered";
    await sleep(RECOVERED_MS);
    running = false;
    await Promise.all(lanes);

    // Nothing lost: every login, in every phase, signed its user in.
    const failed = logins.filter((login) => login.status !== 200 || login.path !== "/dashboard");
    expect(failed).toEqual([]);
    const byPhase = (wanted: Phase) => logins.filter((login) => login.phase === wanted).map((login) => login.ms);
    const [healthy, outage, recovered] = [byPhase("healthy"), byPhase("outage"), byPhase("recovered")];
    const ms = (list: number[]) => (list.length ? `median ${median(list).toFixed(0)} ms, slowest ${Math.max(...list).toFixed(0)} ms` : "none");
    console.log(`[redis-outage] logins: healthy ${healthy.length} (${ms(healthy)}), Redis away ${outage.length} (${ms(outage)}), back ${recovered.length} (${ms(recovered)})`);
    const logged = await loggedLoginMedians(outageFrom, outageTo);
    console.log(`[redis-outage] logged while Redis was away: ${logged.count} logins, app tier median ${logged.app} ms, Directus's password check median ${logged.directus} ms`);
    for (const list of [healthy, outage, recovered]) expect(list.length).toBeGreaterThanOrEqual(USERS);
    expect(logged.count).toBeGreaterThanOrEqual(USERS);
    expect(logged.app - logged.directus).toBeLessThanOrEqual(APP_SHARE_MAX_MS);

    // Back: both apps reconnect on their own, and count one guesser's failures together again,
    // spread over both instances as many as on one alone.
    await until("both app instances reconnected to Redis", async () => (await appConnections()) === 2);
    const alone = await failuresBeforeThrottled([app1!]);
    const spread = await failuresBeforeThrottled([app1!, app2!]);
    expect(alone).toBeLessThan(40);
    expect(spread).toBe(alone);
  });
});
