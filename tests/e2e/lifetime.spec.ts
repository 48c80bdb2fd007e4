import { expect, test, type Page } from "@playwright/test";
import { openSessionCookie } from "../support/session-cookie.ts";
import { dashboardUserId, PASSWORD, register, sleep, uniqueEmail } from "../kit/index.ts";
import { LIFETIME } from "./tags.ts";

// A session's lifetime, on a stack of its own whose sessions last seconds (global-setup.ts; in
// test:cluster, the cluster with the burst's sessions). Every other spec has hour-long sessions.
// The app renews a session on the first request past half its life; Directus ends one idle for a life.

function shortSessions() {
  const { E2E_SHORT_SESSIONS_URL: url, E2E_SHORT_SESSIONS_MAIL_DIR: mail, E2E_SHORT_SESSIONS_TTL_MS: ttl, E2E_SHORT_SESSIONS_SECRET: secret } = process.env;
  if (!url || !mail || !ttl || !secret) throw new Error("E2E_SHORT_SESSIONS_URL, _MAIL_DIR, _TTL_MS and _SECRET are not set: the stack has no app with short sessions");
  return { url, mail, ttlMs: Number(ttl), secret };
}

/** When the browser's session came due for renewal and when it ends, read from its cookie with the app's secret. */
async function sessionTimes(page: Page, secret: string) {
  const cookie = (await page.context().cookies()).find((candidate) => /session$/.test(candidate.name));
  const tokens = openSessionCookie(cookie?.value, secret)?.tokens;
  if (!tokens) throw new Error("the browser holds no session cookie that opens with the app's secret");
  return { renewAt: tokens.renewAt, expiresAt: tokens.expiresAt };
}

test.use({ baseURL: process.env.E2E_SHORT_SESSIONS_URL });

test("an active session is renewed: reloading now and then keeps me signed in past the first token's life", LIFETIME, async ({ page }) => {
  const { mail, secret } = shortSessions();
  const { email } = await register(page, uniqueEmail(), PASSWORD, { mail });
  const id = await dashboardUserId(page);
  // Each reload is timed by the session's own clock (its cookie), not by how long a busy machine took
  // to answer: just past its renewal point, leaving half a life for the reload to reach the app.
  const first = await sessionTimes(page, secret);
  let current = first;
  for (let i = 0; i < 3; i++) {
    await sleep(current.renewAt + 100 - Date.now());
    await page.reload();
    await expect(page).toHaveURL(/\/dashboard$/);
    const renewed = await sessionTimes(page, secret);
    expect(renewed.expiresAt).toBeGreaterThan(current.expiresAt);
    current = renewed;
  }
  expect(Date.now()).toBeGreaterThan(first.expiresAt);
  expect(await dashboardUserId(page)).toBe(id);
  await expect(page.getByText(email).first()).toBeVisible();
});

test("an idle session ends: after the idle timeout I am asked to log in again, and told why", LIFETIME, async ({ page }) => {
  const { mail, ttlMs } = shortSessions();
  await register(page, uniqueEmail(), PASSWORD, { mail });
  // Waiting longer than a life can only make the ending more certain.
  await sleep(ttlMs + 1_000);
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText("Your session has ended")).toBeVisible();
});
