import { randomUUID } from "node:crypto";
import { expect, request, type Page } from "@playwright/test";
import { emailedLink, SUBJECTS } from "../support/mail.ts";
import { createAccount } from "./directus-admin.ts";

export const PASSWORD = "correct horse battery staple";

export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

/** The test Directus's mail folder (global-setup.ts). */
export function mailDir(): string {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set: run these tests through playwright test (global setup)");
  return dir;
}

/** Submits the registration form (the email only: the password is chosen at the link); the page that follows says to check the email. */
export async function submitRegistration(page: Page, email: string) {
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page).toHaveURL(/\/verify-email$/);
}

/** The verification link mailed to `email` at or after `since`. */
export function verificationLink(email: string, since: number, dir = mailDir()) {
  return emailedLink(dir, { to: email, subject: SUBJECTS.verify, since, path: "/verify-email" });
}

/** Fills and sends the form of the link's page, "Choose your password". */
export async function choosePassword(page: Page, password: string, repeated = password) {
  await expect(page.getByRole("heading", { name: "Choose your password" })).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat the password").fill(repeated);
  await page.getByRole("button", { name: "Confirm and save the password" }).click();
}

/** Registers, opens the link Directus mailed and chooses the password there: ends on the dashboard, as a person would. */
export async function register(page: Page, email = uniqueEmail(), password = PASSWORD, { mail = mailDir() }: { mail?: string } = {}) {
  const since = Date.now();
  await submitRegistration(page, email);
  await page.goto(await verificationLink(email, since, mail));
  await choosePassword(page, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email, password };
}

/**
 * A new account, signed in through the login page, for specs about something else than registering
 * (register() goes through the mailed link, seconds longer): ends on the dashboard, as register() does.
 */
export async function newAccount(page: Page, email = uniqueEmail(), password = PASSWORD) {
  await createAccount(email, password);
  await page.goto("/login");
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email, password };
}

export async function logIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/**
 * "Confirm it's you" with the password (docs/decisions/023), on the page an action that secures the
 * account sends the browser to first: back on that action's page, which thanks.
 */
export async function confirmItsYou(page: Page, password = PASSWORD) {
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("Thank you, that is you.");
}

export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/** Reads the signed-in user's id from the dashboard. */
export async function dashboardUserId(page: Page): Promise<string> {
  const text = await page.getByText(/Your id:/).innerText();
  const match = text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  if (!match) throw new Error(`no user id in "${text}"`);
  return match[0];
}

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The specs `npm run test:cluster` runs through the cluster's proxy: the flows that cross app and
 * Directus instances (signing in and out, renewal, steps and links finished on another instance,
 * other sessions ended). The rest test the app itself, the same on one instance or two.
 */
export const CLUSTER = { tag: "@cluster" };

/** The specs about a session's lifetime (lifetime.spec.ts): on a stack whose sessions last seconds. */
export const LIFETIME = { tag: "@lifetime" };

/** Logs out with a copy of this browser's cookie, as another device holding it would: the session ends at Directus. */
export async function endSessionElsewhere(page: Page) {
  const origin = new URL(page.url()).origin;
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const elsewhere = await request.newContext();
  const reply = await elsewhere.post(`${origin}/logout`, { form: {}, headers: { Cookie: cookie, Origin: origin }, maxRedirects: 0 });
  expect(reply.status()).toBe(302);
  await elsewhere.dispose();
}

/** Signs in at the local provider as `email` (it checks no password), wherever its sign-in page shows. */
export async function signInAtProvider(page: Page, email: string) {
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

/** A new person signed in through the local provider: on the dashboard. */
export async function providerAccount(page: Page, label: string) {
  const email = uniqueEmail(label);
  await page.goto("/login");
  await page.getByRole("button", { name: "Continue with the development provider" }).click();
  await signInAtProvider(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email, id: await dashboardUserId(page) };
}
