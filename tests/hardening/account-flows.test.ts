// The account flows against the production build and a Directus that verifies email addresses, with
// Directus's own stall times (LOGIN_STALL_TIME 500 ms for reset requests too, REGISTER_STALL_TIME
// 750 ms): nothing a visitor sees (status, page, timing class) tells an address with an account from
// one without, on registration, reset requests or re-sends; Directus's registration limit becomes
// "Too many attempts"; a link past its time says it expired.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailedLink, emailsTo, SUBJECTS } from "../support/mail.ts";
import { TEST_PASSWORD, uniqueEmail, type Reply } from "../support/http-session.ts";
import { PRODUCTION_PASSWORD_HASHING } from "../support/services.ts";
import { sleep, startStack, visitors, type Stack } from "./stack.ts";

const REGISTER_STALL_MS = 750;
// Directus 11.17.4 stalls every reset request to 500 ms, whatever the address (services/users.js).
const RESET_STALL_MS = 500;
const ROUNDS = 5;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    verifyEmail: true,
    directusEnv: {
      // What a password check really costs in production: the stall must cover it.
      ...PRODUCTION_PASSWORD_HASHING,
      LOGIN_STALL_TIME: "500",
      REGISTER_STALL_TIME: String(REGISTER_STALL_MS),
      EMAIL_VERIFICATION_TOKEN_TTL: "3s",
      // Two registrations a minute per visitor; every visitor below comes from an address of its own.
      RATE_LIMITER_REGISTRATION_ENABLED: "true",
      RATE_LIMITER_REGISTRATION_POINTS: "2",
      RATE_LIMITER_REGISTRATION_DURATION: "60",
    },
    appEnv: { TRUST_PROXY: "true" },
  });
});
afterAll(async () => {
  await stack?.stop();
});

/** A browser at an address of its own (from 198.51.100.0/22), so Directus's limiter counts it alone. */
const visitor = visitors(() => stack.app.url, [198, 51, 100]);

/** A page as two addresses would be compared: the address itself, nonces and per-answer ids taken out. */
function normalized(body: string, address: string): string {
  return body
    .replaceAll(address, "ADDRESS")
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "UUID");
}

/** Below the stall (it was skipped), within twice the stall, or beyond: what a stopwatch can tell apart. */
function timingClass(ms: number, stallMs: number): string {
  if (ms < stallMs) return "under the stall";
  return ms < 2 * stallMs ? "stalled" : "over twice the stall";
}

async function timed(call: () => Promise<Reply>): Promise<{ reply: Reply; ms: number }> {
  const started = performance.now();
  const reply = await call();
  return { reply, ms: performance.now() - started };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Registers and confirms an address through the app and the mail sink: an active account. */
async function activeAccount(): Promise<string> {
  const email = uniqueEmail("active");
  const since = Date.now();
  const { post, session } = visitor();
  expect((await post("/register", { email })).status).toBe(302);
  const link = new URL(await emailedLink(stack.directus.mailDir, { to: email, subject: SUBJECTS.verify, since, path: "/verify-email" }));
  const token = link.searchParams.get("token")!;
  const confirmed = await session.post(link.pathname + link.search, { intent: "confirm", token, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });
  expect(confirmed.path).toBe("/dashboard");
  return email;
}

type Sample = { status: number; location: string | null; page: string; ms: number };

function report(label: string, groups: Record<string, Sample[]>, stallMs: number) {
  const line = Object.entries(groups)
    .map(([name, samples]) => `${name} median ${median(samples.map((s) => s.ms)).toFixed(0)} ms [${samples.map((s) => s.ms.toFixed(0)).join(", ")}]`)
    .join("; ");
  console.log(`${label} (stall ${stallMs} ms): ${line}`);
}

function expectIndistinguishable(groups: Record<string, Sample[]>, stallMs: number) {
  const all = Object.values(groups).flat();
  expect(new Set(all.map((s) => s.status)).size).toBe(1);
  expect(new Set(all.map((s) => s.location)).size).toBe(1);
  expect(new Set(all.map((s) => s.page)).size).toBe(1);
  for (const [name, samples] of Object.entries(groups)) {
    expect(samples.map((s) => timingClass(s.ms, stallMs)), name).toEqual(samples.map(() => "stalled"));
  }
}

describe("no account enumeration", () => {
  let active: string;
  let unverified: string;
  beforeAll(async () => {
    active = await activeAccount();
    unverified = uniqueEmail("waiting");
    expect((await visitor().post("/register", { email: unverified, password: TEST_PASSWORD })).status).toBe(302);
  });

  it("registration: an active, a waiting and an unknown address get the same status, page and timing class", async () => {
    const groups: Record<string, Sample[]> = { active: [], unverified: [], unknown: [] };
    // One unmeasured round first: the first account a Directus process creates is slower (cold code paths).
    for (let round = -1; round < ROUNDS; round++) {
      for (const kind of ["active", "unverified", "unknown"] as const) {
        const address = kind === "active" ? active : kind === "unverified" ? unverified : uniqueEmail("new");
        const browser = visitor();
        const { reply, ms } = await timed(() => browser.post("/register", { email: address, password: `pw ${randomUUID()}` }));
        if (round < 0) continue;
        const page = await browser.get(reply.headers.get("Location") ?? "/register");
        groups[kind]!.push({ status: reply.status, location: reply.headers.get("Location"), page: normalized(page.body, address), ms });
      }
    }
    report("registration", groups, REGISTER_STALL_MS);
    expectIndistinguishable(groups, REGISTER_STALL_MS);
    expect(groups.active![0]!.location).toBe("/verify-email");
  });

  it("a reset request: an account's address and an unknown one get the same status, page and timing class", async () => {
    const groups: Record<string, Sample[]> = { account: [], unknown: [] };
    const since = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ["account", "unknown"] as const) {
        const address = kind === "account" ? active : uniqueEmail("nobody");
        const { reply, ms } = await timed(() => visitor().post("/forgot-password", { email: address }));
        groups[kind]!.push({ status: reply.status, location: reply.headers.get("Location"), page: normalized(reply.body, address), ms });
      }
    }
    report("reset request", groups, RESET_STALL_MS);
    expectIndistinguishable(groups, RESET_STALL_MS);
    expect(groups.account![0]!.status).toBe(200);
    // Only the account's address got mail.
    await emailedLink(stack.directus.mailDir, { to: active, subject: SUBJECTS.reset, since, path: "/reset-password" });
  });

  it("sending the link again: for an active, a waiting or an unknown address, the same status, page and timing class", async () => {
    const groups: Record<string, Sample[]> = { active: [], unverified: [], unknown: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ["active", "unverified", "unknown"] as const) {
        const address = kind === "active" ? active : kind === "unverified" ? unverified : uniqueEmail("new");
        const browser = visitor();
        await browser.post("/register", { email: address, password: `pw ${randomUUID()}` });
        const { reply, ms } = await timed(() => browser.post("/verify-email"));
        groups[kind]!.push({ status: reply.status, location: reply.headers.get("Location"), page: normalized(reply.body, address), ms });
      }
    }
    report("re-send", groups, REGISTER_STALL_MS);
    expectIndistinguishable(groups, REGISTER_STALL_MS);
    expect(groups.active![0]!.page).toContain("We sent the link to ADDRESS again.");
  });
});

describe("Directus's limits and deadlines", () => {
  it("its registration limit is 'Too many attempts', with the address kept", async () => {
    const browser = visitor();
    const statuses: number[] = [];
    let limited: Reply | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const reply = await browser.post("/register", { email: uniqueEmail("eager"), password: TEST_PASSWORD });
      statuses.push(reply.status);
      if (reply.status === 429) limited = reply;
    }
    expect(statuses).toEqual([302, 302, 429]);
    expect(limited?.body).toContain("Too many attempts. Please wait a minute and try again.");
    expect(limited?.body).toMatch(/value="eager-[0-9a-f]{8}@example.com"/);
  });

  it("a confirmation link opened after EMAIL_VERIFICATION_TOKEN_TTL says it expired, and the account still waits", async () => {
    const email = uniqueEmail("late");
    const since = Date.now();
    const browser = visitor();
    await browser.post("/register", { email, password: TEST_PASSWORD });
    const link = new URL(await emailedLink(stack.directus.mailDir, { to: email, subject: SUBJECTS.verify, since, path: "/verify-email" }));
    await sleep(3_500);
    const page = await browser.get(link.pathname + link.search);
    expect(page.status).toBe(410);
    expect(page.body).toContain("This link has expired");
    const login = await browser.post("/login", { email, password: TEST_PASSWORD });
    expect(login.status).toBe(401);
    expect(login.body).toContain("Your email address is not confirmed yet.");
    expect(await emailsTo(stack.directus.mailDir, { to: email, subject: SUBJECTS.verify, since })).toHaveLength(1);
  });
});
