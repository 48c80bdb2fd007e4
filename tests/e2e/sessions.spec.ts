// /profile/sessions with two and three browsers signed in as one user (both JavaScript modes; the
// cluster run sends these through its proxy, so sessions opened on one app and Directus instance are
// listed and ended through the other).
import { expect, test, type Browser, type Page } from "@playwright/test";
import { logIn, newAccount } from "../kit/index.ts";
import { CLUSTER } from "./tags.ts";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

/** Another browser (its own cookies and User-Agent) signed in as `email`. */
async function signedInElsewhere(browser: Browser, email: string, userAgent: string) {
  const context = await browser.newContext({ userAgent });
  const other = await context.newPage();
  await other.goto("/login");
  await logIn(other, email);
  await expect(other).toHaveURL(/\/dashboard$/);
  return { context, other };
}

// Two or three browsers, each signing in: more than one test's usual time on a busy machine.
test.beforeEach(() => test.slow());

const sessionList = (page: Page) => page.getByRole("list", { name: "Your sessions" }).getByRole("listitem");

test("the first browser lists both by name, signs the second out, and the second's next request lands on /login", CLUSTER, async ({ page, browser }) => {
  const { email } = await newAccount(page);
  const { context, other } = await signedInElsewhere(browser, email, FIREFOX);

  await page.goto("/profile");
  await page.getByRole("link", { name: "Where you are signed in" }).click();
  await expect(page).toHaveURL(/\/profile\/sessions$/);
  await expect(sessionList(page)).toHaveCount(2);
  const here = sessionList(page).filter({ hasText: "This device" });
  await expect(here).toHaveAccessibleName(/^(Headless )?Chrome \d+ on Linux$/);
  await expect(here).toContainText("IP ");
  await expect(here).toContainText(/Last active \w{3} \d{1,2}, \d{4}, \d{2}:\d{2} UTC/);
  await expect(page.getByRole("listitem", { name: "Firefox 133 on Linux" })).not.toContainText("This device");
  // No Directus token (a JWT) anywhere in the page.
  expect(await page.content()).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/);

  await page.getByRole("button", { name: "Sign out: Firefox 133 on Linux" }).click();
  await expect(page.getByRole("status")).toHaveText("Signed out Firefox 133 on Linux.");
  await expect(sessionList(page)).toHaveCount(1);
  await expect(page.getByText("You are not signed in anywhere else.")).toBeVisible();

  await other.goto("/dashboard");
  await expect(other).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
  await context.close();

  // This browser goes on; ending its own session from the list is a logout.
  await page.goto("/profile/sessions");
  await page.getByRole("button", { name: /^Log out: .* \(this device\)$/ }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("status")).toHaveText("You have been logged out");
  await page.goto("/profile/sessions");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fprofile%2Fsessions$/);
});

test("signing out all other devices ends every other browser's session and keeps this one", CLUSTER, async ({ page, browser }) => {
  const { email } = await newAccount(page);
  const firefox = await signedInElsewhere(browser, email, FIREFOX);
  const iphone = await signedInElsewhere(browser, email, SAFARI_IPHONE);

  await page.goto("/profile/sessions");
  await expect(sessionList(page)).toHaveCount(3);
  await expect(page.getByRole("listitem", { name: "Safari 18 on iOS" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out all other devices" }).click();
  await expect(page.getByRole("status")).toHaveText("You have been signed out on every other device.");
  await expect(sessionList(page)).toHaveCount(1);

  for (const { other, context } of [firefox, iphone]) {
    await other.goto("/profile");
    await expect(other).toHaveURL(/\/login\?redirectTo=%2Fprofile$/);
    await context.close();
  }
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
});
