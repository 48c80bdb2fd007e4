// "Continue with …" through the local OpenID Connect provider (development and tests only), relayed
// by the app: new user, returning user with redirectTo, cancelling, an address that has a password
// account. The failures that need no browser are in tests/hardening/identity-provider.test.ts.
import type { Page } from "@playwright/test";
import { expect, logOut, signInAtProvider, test, uniqueEmail } from "../kit/index.ts";
import { CLUSTER } from "./tags.ts";

/** Clicks "Continue with …" and signs in at the local provider as `email` (it checks no password). */
async function continueWithProvider(page: Page, email: string) {
  await page.getByRole("button", { name: "Continue with the development provider" }).click();
  await signInAtProvider(page, email);
}

test("a new person signs in through the provider, lands on the dashboard, and comes back to the page they asked for", CLUSTER, async ({ page }) => {
  const email = uniqueEmail("sso");
  await page.goto("/login");
  await continueWithProvider(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText(email)).toBeVisible();
  // Logout revokes the Directus session at once.
  await logOut(page);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);

  // Returning: the same account, back to where the login was asked for. The provider remembers the
  // person, so no second sign-in page.
  await page.goto("/login?redirectTo=%2Fprofile");
  await page.getByRole("button", { name: "Continue with the development provider" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByText(email).first()).toBeVisible();
});

test("cancelling at the provider, or an address that has a password account, ends on /login in plain words", async ({ page, account }) => {
  await page.goto("/register");
  await page.getByRole("button", { name: "Continue with the development provider" }).click();
  await page.getByRole("link", { name: "[ Cancel ]" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByText("You cancelled signing in with the development provider. Nothing was changed.")).toBeVisible();

  const { email } = await account({ label: "taken" });
  await continueWithProvider(page, email);
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByText(/already exists here, made with a password\. Log in with your password instead/)).toBeVisible();
});
