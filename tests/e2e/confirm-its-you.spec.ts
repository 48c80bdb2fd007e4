// "Confirm it's you" (docs/decisions/023) in both JavaScript modes, for an account made through the
// local identity provider: it has no password, so it is never asked for one; a fresh sign-in at its
// provider confirms it, and only as itself. An account with two-factor sign-in on confirms with its
// code too. The password way is in two-factor.spec.ts and account.spec.ts.
import type { Page } from "@playwright/test";
import { hasTwoFactor } from "../kit/directus.ts";
import { expect, logIn, providerAccount, signInAtProvider, test, uniqueEmail } from "../kit/index.ts";
import { codeAfter, currentCode } from "../support/totp.ts";

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

test("a password account with two-factor on confirms with its code, and the email change it asked for goes on", async ({ page, account }) => {
  // Two codes in a row, the second one a step later: up to half a minute of waiting.
  test.slow();
  const { email, password, secret } = await account({ label: "confirm-code", twoFactor: true });
  await page.goto("/login");
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code$/);
  const used = await currentCode(secret, 8);
  await page.getByLabel("Six-digit code").fill(used);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  const newEmail = uniqueEmail("confirm-code-new");
  await page.goto("/profile/email");
  await page.getByLabel("New email").fill(newEmail);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  // Both ways the account has: its password and its code.
  await expect(page.getByLabel("Password")).toBeVisible();
  await page.getByLabel("Six-digit code").fill(await codeAfter(secret, used, 8));
  await page.getByRole("button", { name: "Confirm with the code" }).click();
  await expect(page).toHaveURL(/\/profile\/email$/);
  await expect(page.getByRole("status")).toHaveText("Thank you, that is you.");
  await expect(page.getByLabel("New email")).toHaveValue(newEmail);
});

test("an account without two-factor is not offered the code", async ({ page, account, signedIn }) => {
  await signedIn(await account({ label: "confirm-no-code" }), { at: "/profile/email" });
  await page.getByLabel("New email").fill(uniqueEmail("confirm-no-code-new"));
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  await expect(page.getByLabel("Password")).toBeVisible();
  await expect(page.getByLabel("Six-digit code")).toHaveCount(0);
});
