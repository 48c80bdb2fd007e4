// The kit's page helpers: the steps a person takes on the app's pages, by the accessible names of
// their forms, fields and buttons (the page contract, which the README lists and keeps public).
import { expect, request, type Page } from "@playwright/test";
import { makeAccount, PASSWORD, signIn, uniqueEmail, type AccountOptions } from "./accounts.ts";
import { mailbox, SUBJECTS } from "./mailbox.ts";

/** Submits the registration form (the email only: the password is chosen at the link); the page that follows says to check the email. */
export async function submitRegistration(page: Page, email: string) {
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page).toHaveURL(/\/verify-email$/);
}

/** The verification link mailed to `email` at or after `since` (to the stack's mail folder, or `dir`). */
export function verificationLink(email: string, since: number, dir?: string) {
  return mailbox(dir).link(email, { subject: SUBJECTS.verify, since, path: "/verify-email" });
}

/** Fills and sends the form of the link's page, "Choose your password". */
export async function choosePassword(page: Page, password: string, repeated = password) {
  await expect(page.getByRole("heading", { name: "Choose your password" })).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat the password").fill(repeated);
  await page.getByRole("button", { name: "Confirm and save the password" }).click();
}

/** Registers, opens the link Directus mailed and chooses the password there: ends on the dashboard, as a person would. */
export async function register(page: Page, email = uniqueEmail(), password = PASSWORD, { mail }: { mail?: string } = {}) {
  const since = Date.now();
  await submitRegistration(page, email);
  await page.goto(await verificationLink(email, since, mail));
  await choosePassword(page, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email, password };
}

/**
 * A new account (the kit's `account`) whose browser is signed in (`signedIn`), for specs about
 * something else than registering or the login page: ends on the dashboard, as register() does.
 */
export async function newAccount(page: Page, options: AccountOptions = {}) {
  const account = await makeAccount(options);
  await signIn(page, account);
  await expect(page).toHaveURL(/\/dashboard$/);
  return account;
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
