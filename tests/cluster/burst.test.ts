// A burst through the cluster's proxy: several users, each with parallel lanes of consecutive
// requests (pages, post writes, read-backs) across several renewals of their Directus sessions, so
// every user's requests land on both app and both Directus instances. Midway one Directus and one
// app instance get SIGTERM; the health checks take them out, the burst goes on, both start again and
// take traffic again. Nobody is logged out, nothing fails except requests in flight at the stop,
// and every post the app answered as created is in Directus.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dashboardUserId, HttpSession, uniqueEmail, uuidsIn, type Reply } from "../support/http-session.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { admin, control, directusRequestsByUser, requestsByServer, settings, waitForStatus } from "./cluster.ts";

const USERS = 4;
const HEALTHY_MS = 9_000; // before the fault: at least one renewal with 12 s sessions (BURST_DIRECTUS_ENV)
const DEGRADED_MS = 4_000; // on one instance per tier, after the proxy took the stopped ones out
const RECOVERED_MS = 6_000; // after both are back
const FAULTY = { directus: "directus2", app: "app2" };

type Phase = "healthy" | "fault" | "degraded" | "restarting" | "recovered";
type Outcome = {
  user: number;
  kind: "page" | "write" | "read";
  startedAt: number;
  endedAt: number;
  status: number | null;
  servedBy: string | null;
  failure: string | null;
};

type User = { index: number; client: HttpSession; id: string; sessions: Set<string>; servedBy: Record<string, number> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the cluster under a burst, with a fault", () => {
  it(`${USERS} users across 3+ renewals on 2 app and 2 Directus instances, one of each stopped and restarted midway`, async () => {
    const users: User[] = await Promise.all(
      Array.from({ length: USERS }, async (_, index) => {
        const client = new HttpSession(settings.app.url, { mailDir: settings.mail.dir });
        const { id } = await client.register(uniqueEmail(`burst${index}`));
        return { index, client, id, sessions: new Set<string>(), servedBy: {} };
      }),
    );

    let phase: Phase = "healthy";
    let running = true;
    let inFlight = 0;
    const outcomes: Outcome[] = [];
    const created: Array<{ id: string; title: string; user: number; servedBy: string | null }> = [];
    // Read-backs of posts written while both app instances were in the rotation, and how many of
    // them came through the instance that did not write the post.
    const readBacks = { eligible: 0, throughOther: 0, missing: [] as string[] };

    /** Sends one request for a user and records what came back; `check` names what was wrong, if anything. */
    async function send(user: User, kind: Outcome["kind"], request: () => Promise<Reply>, check: (reply: Reply) => string | null) {
      const startedAt = Date.now();
      inFlight++;
      let reply: Reply | null = null;
      let failure: string | null = null;
      try {
        reply = await request();
        if (reply.status >= 500) failure = `HTTP ${reply.status}`;
        else if (reply.status === 302 && reply.headers.get("Location")?.startsWith("/login")) failure = "sent to /login";
        else failure = check(reply);
      } catch (error) {
        failure = `network: ${(error as Error).message}`;
      } finally {
        inFlight--;
      }
      const servedBy = reply?.headers.get("X-Served-By") ?? null;
      if (servedBy) user.servedBy[servedBy] = (user.servedBy[servedBy] ?? 0) + 1;
      const opened = openSessionCookie(user.client.sessionCookie(), settings.app.sessionSecret);
      if (opened?.tokens) user.sessions.add(directusSessionOf(opened.tokens.accessToken));
      outcomes.push({ user: user.index, kind, startedAt, endedAt: Date.now(), status: reply?.status ?? null, servedBy, failure });
      return failure ? null : reply;
    }

    const pageLane = async (user: User) => {
      while (running) {
        await send(user, "page", () => user.client.get("/dashboard", { follow: false }), (reply) => {
          if (reply.status !== 200) return `HTTP ${reply.status}`;
          return dashboardUserId(reply.body) === user.id && uuidsIn(reply.body).every((uuid) => uuid === user.id) ? null : "another user's page";
        });
      }
    };

    const writeLane = async (user: User) => {
      for (let n = 0; running; n++) {
        const title = `Burst ${user.index} ${n} ${Date.now()}`;
        const reply = await send(user, "write", () => user.client.post("/posts/new", { title, content: "Written in the burst." }, { follow: false }), (answer) =>
          answer.status === 302 && /^\/posts\/\d+$/.test(answer.headers.get("Location") ?? "") ? null : `HTTP ${answer.status} ${answer.headers.get("Location") ?? ""}`,
        );
        if (!reply) continue;
        const id = reply.headers.get("Location")!.split("/").pop()!;
        const writtenBy = reply.headers.get("X-Served-By");
        created.push({ id, title, user: user.index, servedBy: writtenBy });
        // Read it back, through the other app instance whenever both are in the rotation.
        const bothUp = phase === "healthy" || phase === "recovered";
        if (bothUp) readBacks.eligible++;
        let found = false;
        // Not cut short when the burst ends: every post answered as created gets read back.
        for (let attempt = 0; attempt < 8; attempt++) {
          const read = await send(user, "read", () => user.client.get(`/posts/${id}`, { follow: false }), (answer) =>
            answer.status === 200 && answer.body.includes(title) ? null : `read-back of post ${id}: HTTP ${answer.status}`,
          );
          if (!read) continue;
          found = true;
          if (!bothUp) break;
          if (read.headers.get("X-Served-By") !== writtenBy) {
            readBacks.throughOther++;
            break;
          }
        }
        if (!found) readBacks.missing.push(id);
      }
    };

    const startedAt = Date.now();
    const atStart = await requestsByServer();
    const lanes = users.flatMap((user) => [pageLane(user), pageLane(user), writeLane(user)]);

    // The conductor: healthy, then the fault, then recovery.
    await sleep(HEALTHY_MS);
    const before = await requestsByServer();
    phase = "fault";
    const inFlightAtStop = inFlight;
    const stopAt = Date.now();
    const [directusStop, appStop] = await Promise.all([control("stop", FAULTY.directus), control("stop", FAULTY.app)]);
    const [directusOut, appOut] = await Promise.all([waitForStatus(FAULTY.directus, "DOWN"), waitForStatus(FAULTY.app, "DOWN")]);
    const faultEnd = Math.max(directusOut, appOut) + 1_000;
    await sleep(Math.max(0, faultEnd - Date.now()));
    phase = "degraded";
    await sleep(DEGRADED_MS);
    phase = "restarting";
    const restartAt = Date.now();
    await Promise.all([control("start", FAULTY.directus), control("start", FAULTY.app)]);
    await Promise.all([waitForStatus(FAULTY.directus, "UP"), waitForStatus(FAULTY.app, "UP")]);
    const backAt = Date.now();
    const atRecovery = await requestsByServer();
    phase = "recovered";
    await sleep(RECOVERED_MS);
    running = false;
    await Promise.all(lanes);
    const after = await requestsByServer();
    const elapsed = Date.now() - startedAt;

    // Failures are allowed only for requests that were in flight at some point between the SIGTERMs
    // and one second after the proxy took both instances out; there must be no more of them than
    // requests in flight at the SIGTERMs.
    const failures = outcomes.filter((outcome) => outcome.failure);
    const duringFault = failures.filter((outcome) => outcome.startedAt <= faultEnd && outcome.endedAt >= stopAt);
    const outsideFault = failures.filter((outcome) => !duringFault.includes(outcome));

    // No lost writes: every post answered as created is in Directus (read as the admin).
    const ids = users.map((user) => user.id).join(",");
    const stored = await admin.call<Array<{ id: number; title: string }>>("GET", `/items/posts?filter[user_created][_in]=${ids}&fields=id,title&limit=-1`);
    const storedIds = new Set(stored.data.map((post) => String(post.id)));
    const lost = created.filter((post) => !storedIds.has(post.id));
    const unanswered = stored.data.length - created.length;

    const renewals = users.map((user) => user.sessions.size - 1);
    const latencies = outcomes.map((outcome) => outcome.endedAt - outcome.startedAt).sort((a, b) => a - b);
    const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    const perUserDirectus = await directusRequestsByUser();
    const delta = (server: string, from: Record<string, number>, to: Record<string, number>) => (to[server] ?? 0) - (from[server] ?? 0);
    const burst = (server: string) => delta(server, atStart, after);
    // The fewest requests any one user had served by each instance.
    const fewest = (server: string, counts: Array<Record<string, number>>) => Math.min(...counts.map((count) => count[server] ?? 0));
    const appCounts = users.map((user) => user.servedBy);
    const directusCounts = users.map((user) => perUserDirectus.get(user.id) ?? {});
    const summary =
      `[cluster burst] ${outcomes.length} requests by ${USERS} users in ${(elapsed / 1000).toFixed(1)} s; ` +
      `app1/app2 ${burst("app1")}/${burst("app2")} requests (fewest for one user ${fewest("app1", appCounts)}/${fewest("app2", appCounts)}), ` +
      `directus1/directus2 ${burst("directus1")}/${burst("directus2")} (fewest for one user ${fewest("directus1", directusCounts)}/${fewest("directus2", directusCounts)}); ` +
      `latency p50/p99/max ${percentile(50)}/${percentile(99)}/${latencies.at(-1)} ms; ` +
      `renewals per user ${renewals.join("/")} (sessions of ${settings.directus.env.SESSION_COOKIE_TTL}); to /login or 5xx outside the fault ${outsideFault.length}; ` +
      `fault: SIGTERM to ${FAULTY.directus} (pid ${directusStop.pid}) and ${FAULTY.app} (pid ${appStop.pid}) with ${inFlightAtStop} requests in flight, ` +
      `out of the rotation after ${((directusOut - stopAt) / 1000).toFixed(1)}/${((appOut - stopAt) / 1000).toFixed(1)} s, ` +
      `${duringFault.length} failed (bound ${inFlightAtStop}${duringFault.length ? `: ${[...new Set(duringFault.map((o) => o.failure))].join(", ")}` : ""}); ` +
      `restarted and back in ${((backAt - restartAt) / 1000).toFixed(1)} s, then ${FAULTY.app} ${delta(FAULTY.app, atRecovery, after)} and ${FAULTY.directus} ${delta(FAULTY.directus, atRecovery, after)} requests; ` +
      `${created.length} posts answered as created, ${lost.length} lost, ${unanswered} stored without an answer; ` +
      `${readBacks.throughOther} of ${readBacks.eligible} written with both app instances up read back through the other one, ${readBacks.missing.length} not read back`;
    console.log(summary);
    await writeFile(join(settings.dir, "burst-summary.txt"), `${summary}\n`);

    // Every user on both app instances and both Directus instances.
    for (const user of users) {
      expect(Object.keys(user.servedBy).sort(), `user ${user.index}'s app instances`).toEqual(["app1", "app2"]);
      expect(Object.keys(directusCounts[user.index]!).sort(), `user ${user.index}'s Directus instances`).toEqual(["directus1", "directus2"]);
    }
    expect(Math.min(...renewals), "renewals per user").toBeGreaterThanOrEqual(3);
    expect(
      outsideFault.map((o) => `user ${o.user} ${o.kind} at ${((o.startedAt - startedAt) / 1000).toFixed(1)} s, took ${o.endedAt - o.startedAt} ms: ${o.failure}`),
      "failures outside the fault",
    ).toEqual([]);
    expect(duringFault.length, "failures during the fault").toBeLessThanOrEqual(inFlightAtStop);
    expect(before[FAULTY.app]! > 0 && before[FAULTY.directus]! > 0, "the stopped instances served before the fault").toBe(true);
    expect(delta(FAULTY.app, atRecovery, after), `${FAULTY.app} requests after its restart`).toBeGreaterThan(0);
    expect(delta(FAULTY.directus, atRecovery, after), `${FAULTY.directus} requests after its restart`).toBeGreaterThan(0);
    expect(lost.map((post) => post.id), "posts answered as created but missing").toEqual([]);
    // A post stored without a "created" answer is either a write that failed in flight or one written twice.
    expect(unanswered, "posts stored without an answer").toBeLessThanOrEqual(duringFault.filter((o) => o.kind === "write").length);
    expect(readBacks.missing, "posts not read back").toEqual([]);
    expect(readBacks.throughOther, "posts read back through the other app instance").toBeGreaterThan(0);
    expect(created.length).toBeGreaterThan(0);
  });
});
