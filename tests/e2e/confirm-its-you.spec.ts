// "Confirm it's you" (docs/decisions/023) in both JavaScript modes, for an account made through the
// local identity provider: it has no password, so it is never asked for one; a fresh sign-in at its
// provider confirms it, and only as itself. The password way is in two-factor.spec.ts and account.spec.ts.
import { expect, test, type Page } from "@playwright/test";
import { hasTwoFactor } from "./directus-admin.ts";
import { dashboardUserId, uniqueEmail } from "./helpers.ts";
import { currentCode } from "../support/totp.ts";

/** Signs in at the local provider as `email` (it checks no password), wherever its sign-in page shows. */
async function signInAtProvider(page: Page, email: string) {
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

/** A new person signed in through the provider: on the dashboard. */
async function providerAccount(page: Page, label: string) {
  const email = uniqueEmail(label);
  await page.goto("/login");
  await page.getByRole("button", { name: "Continue with the development provider" }).click();
  await signInAtProvider(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email, id: await dashboardUserId(page) };
}

/** From the two-factor page to "confirm it's you": what the page offers an account without a password. */
async function askedToConfirm(page: Page) {
  await page.goto("/profile/two-factor");
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  // Nothing that would check nothing: no password field for an account that has none.
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Continue with the development provider" })).toBeVisible();
}

test("a provider account confirms with a fresh sign-in at its provider, never a password, then turns two-factor on", async ({ page }) => {
  const { email, id } = await providerAccount(page, "confirm-sso");
  await askedToConfirm(page);
  // The provider asks again (max_age=0), even though it remembers this browser.
  await page.getByRole("button", { name: "Continue with the development provider" }).click();
  await signInAtProvider(page, email);
  await expect(page).toHaveURL(/\/profile\/two-factor$/);
  await expect(page.getByRole("status")).toHaveText("Thank you, that is you.");

  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = (await page.getByTestId("two-factor-key").innerText()).replace(/\s/g, "");
  await page.getByLabel("Six-digit code").fill(await currentCode(secret, 8));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByRole("status")).toHaveText("Two-factor sign-in is on. Your other sessions have been signed out.");
  expect(await hasTwoFactor(id)).toBe(true);
});

test("another account signing in at the provider confirms nothing, and this browser stays who it was", async ({ page, javaScriptEnabled }) => {
  const { email, id } = await providerAccount(page, "confirm-owner");
  await askedToConfirm(page);
  await page.getByRole("button", { name: "Continue with the development provider" }).click();
  await signInAtProvider(page, uniqueEmail("confirm-someone-else"));
  // The provider ends its session of the first account first; without JavaScript its page waits for "Continue".
  if (!javaScriptEnabled) await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  await expect(page.getByRole("alert")).toContainText("signed in another account than the one you are using here, so nothing was confirmed");

  // Still this account, still not confirmed: setting up asks again.
  await page.goto("/profile");
  await expect(page.getByRole("main").getByText(email)).toBeVisible();
  await page.goto("/profile/two-factor");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  expect(await hasTwoFactor(id)).toBe(false);
});
