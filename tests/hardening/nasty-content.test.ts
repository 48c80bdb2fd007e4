// Hostile input any registered user can send, while another visitor keeps loading /login: the
// hostile posts (scripts/lib/markdown-corpus.mjs, each at the content limit) are created and viewed,
// a login form arrives with 80,000 fields, and through all of it nothing answers 5xx and the other
// visitor never waits more than LATENCY_MAX_MS. The one place in the tests that asserts a latency.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorpus, fuzzCases } from "../../scripts/lib/markdown-corpus.mjs";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { leaksInternals, sleep, startStack, type Stack } from "./stack.ts";

const LATENCY_MAX_MS = 200;
const PROBE_EVERY_MS = 50;
// The probing stops by itself after this, even if the work it measures never ends (the test's timeout is 120 s).
const PROBE_FOR_AT_MOST_MS = 115_000;

let stack: Stack;
let author: HttpSession;

beforeAll(async () => {
  stack = await startStack();
  author = new HttpSession(stack.app.url);
  await author.register(uniqueEmail("nasty"));
});
afterAll(async () => {
  await stack?.stop();
});

type Probe = { latencies: number[]; statuses: number[] };

/**
 * Runs `work` while another visitor loads /login one request at a time, every PROBE_EVERY_MS, and
 * returns what that visitor saw. Only probes made while `work` runs are counted.
 */
async function whileProbing(label: string, work: () => Promise<void>): Promise<Probe> {
  const visitor = new HttpSession(stack.app.url);
  // A warm connection and a warm page, so the first probe measures the server, not the set-up.
  for (let i = 0; i < 5; i++) await visitor.get("/login", { follow: false });
  const probe: Probe = { latencies: [], statuses: [] };
  let running = true;
  const deadline = performance.now() + PROBE_FOR_AT_MOST_MS;
  const probing = (async () => {
    while (running && performance.now() < deadline) {
      const started = performance.now();
      // A refused connection counts as status 0, so it fails the test instead of escaping it.
      const status = await visitor.get("/login", { follow: false }).then((reply) => reply.status, () => 0);
      const elapsed = performance.now() - started;
      probe.latencies.push(elapsed);
      probe.statuses.push(status);
      await sleep(Math.max(0, PROBE_EVERY_MS - elapsed));
    }
  })();
  try {
    await work();
  } finally {
    running = false;
    await probing;
  }
  const sorted = probe.latencies.toSorted((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  console.log(`[nasty-content] ${label}: ${sorted.length} probes of GET /login, p50 ${p50.toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`);
  return probe;
}

function expectFast(probe: Probe) {
  expect(probe.latencies.length, "the other visitor was probed while the work ran").toBeGreaterThan(3);
  expect(probe.statuses.filter((status) => status !== 200)).toEqual([]);
  expect(Math.max(...probe.latencies)).toBeLessThan(LATENCY_MAX_MS);
}

describe("hostile content does not stall or break the server", () => {
  it("every hostile post is created and shown, twice, without a 5xx, and the other visitor stays fast", async () => {
    const posts = [...buildCorpus(), ...fuzzCases({ seed: 11, count: 10 })];
    const failures: string[] = [];
    const timings: Array<[string, number]> = [];
    const probe = await whileProbing(`${posts.length} hostile posts created and viewed twice`, async () => {
      for (const { name, text } of posts) {
        // The form post follows its redirect to the new post's page, as a browser does: that view renders it.
        let started = performance.now();
        const created = await author.post("/posts/new", { title: name.slice(0, 200), content: text });
        timings.push([`create ${name}`, performance.now() - started]);
        if (created.status !== 200 || !/^\/posts\/\d+$/.test(created.path)) {
          failures.push(`${name}: created ${created.status} at ${created.path}`);
          continue;
        }
        started = performance.now();
        const again = await author.get(created.path);
        timings.push([`view ${name}`, performance.now() - started]);
        for (const [what, reply] of [["first view", created], ["second view", again]] as const) {
          if (reply.status !== 200) failures.push(`${name}: ${what} ${reply.status}`);
          else if (!reply.body.includes('class="markdown"')) failures.push(`${name}: ${what} has no post body`);
          const leak = leaksInternals(reply.body);
          if (leak) failures.push(`${name}: ${what} ${leak}`);
        }
      }
    });
    const slowest = timings.toSorted((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`[nasty-content] slowest hostile requests: ${slowest.map(([what, ms]) => `${what} ${ms.toFixed(0)} ms`).join("; ")}`);
    expect(failures).toEqual([]);
    expectFast(probe);
  });

  it("a login form with 80,000 fields is refused without a 5xx, and the other visitor stays fast", async () => {
    const fields = new URLSearchParams(Array.from({ length: 80_000 }, (_, i) => [`a${i}`, ""]));
    const stranger = new HttpSession(stack.app.url);
    const statuses: number[] = [];
    // Refused quickly now, so the attack is repeated for a while (two at a time) for the probe to see it.
    const attackUntil = performance.now() + 3_000;
    const attack = async () => {
      while (performance.now() < attackUntil) statuses.push((await stranger.post("/login", fields, { follow: false })).status);
    };
    const probe = await whileProbing("POST /login with 80,000 fields, repeatedly for 3 s", async () => {
      await Promise.all([attack(), attack()]);
    });
    console.log(`[nasty-content] ${statuses.length} login forms with 80,000 fields, answered ${[...new Set(statuses)].join(", ")}`);
    expect(statuses.length).toBeGreaterThan(3);
    expect(statuses.filter((status) => status < 400 || status >= 500)).toEqual([]);
    expectFast(probe);
  });
});
