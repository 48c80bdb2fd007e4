// The app instances count failed logins together (counters in Redis, REDIS_URL): a guesser who
// spreads attempts over app1 and app2 is throttled after as many as one instance alone allows, not
// twice as many. Each case acts from its own IP through X-Forwarded-For (the apps trust loopback).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { settings } from "./cluster.ts";

const [app1, app2] = settings.app.instances;
// Documentation-range addresses, fresh per run: Redis outlives nothing but this cluster, yet keep runs apart.
const ip = () => `203.0.113.${1 + Math.floor(Math.random() * 250)}`;

/** Wrong-password logins for one address from one IP, on the instances in turn, until the first 429 (at most `max`). */
async function failuresBeforeThrottled(apps: { url: string }[], max = 40): Promise<{ failures: number; throttledOn: string | null; retryAfter: string | null }> {
  const email = uniqueEmail("cluster-throttle");
  const from = ip();
  for (let i = 0; i < max; i++) {
    const app = apps[i % apps.length]!;
    const reply = await new HttpSession(app.url).post("/login", { email, password: `wrong-${randomUUID()}` }, { headers: { "X-Forwarded-For": from } });
    if (reply.status === 429) return { failures: i, throttledOn: app.url, retryAfter: reply.headers.get("Retry-After") };
    expect(reply.status).toBe(401);
  }
  return { failures: max, throttledOn: null, retryAfter: null };
}

describe("failed logins on two app instances", () => {
  it("are counted together: spread over app1 and app2 they are throttled after as many as on one instance", async () => {
    expect(app1 && app2).toBeTruthy();
    const alone = await failuresBeforeThrottled([app1!]);
    expect(alone.throttledOn).toBe(app1!.url);
    const spread = await failuresBeforeThrottled([app1!, app2!]);
    // Counted apart, each instance would allow its own share: twice as many.
    expect(spread.failures).toBe(alone.failures);
    expect(spread.throttledOn).not.toBeNull();
    expect(Number(spread.retryAfter)).toBeGreaterThan(0);
  });
});
