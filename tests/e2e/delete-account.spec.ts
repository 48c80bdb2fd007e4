// Deleting one's own account from /profile (both JavaScript modes): through "confirm it's you" and an
// explicit confirmation; every other browser of the account is signed out on its next request, its
// posts are gone at Directus, the address can register again and a last notice was mailed.
import { expect, test } from "@playwright/test";
import { createPostsAs, readPost } from "../kit/directus.ts";
import { confirmItsYou, dashboardUserId, logIn, mailbox, newAccount, register, SUBJECTS } from "../kit/index.ts";
import { CLUSTER } from "./tags.ts";

test.beforeEach(() => test.slow());

test("deleting the account signs every browser out, removes its posts, mails a last note, and the address registers again", CLUSTER, async ({ page, browser }) => {
  const { email, password } = await newAccount(page);
  const userId = await dashboardUserId(page);
  const postIds = await createPostsAs(email, password, [{ title: "First" }, { title: "Second" }]);

  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await other.goto("/login");
  await logIn(other, email, password);
  await expect(other).toHaveURL(/\/dashboard$/);

  await page.goto("/profile");
  await page.getByRole("link", { name: "Delete your account" }).click();
  await expect(page).toHaveURL(/\/profile\/delete$/);
  await expect(page.getByRole("heading", { name: "Delete your account" })).toBeVisible();
  for (const what of ["your posts", "passkeys", "recovery codes", "every session", "register again"]) {
    await expect(page.getByRole("main")).toContainText(what);
  }
  await page.getByLabel("I understand this cannot be undone").check();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await confirmItsYou(page, password);
  // axe on this page (with and without its error): accessibility.spec.ts, which checks pages built without JavaScript too.
  await expect(page).toHaveURL(/\/profile\/delete$/);

  const since = Date.now();
  await page.getByLabel("I understand this cannot be undone").check();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("status")).toHaveText(`Your account has been deleted. We sent a last note to ${email}.`);
  expect(await page.content()).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/);

  // This browser is signed out; so is the other one, on its next request.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
  await other.goto("/dashboard");
  await expect(other).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
  await elsewhere.close();

  for (const id of postIds) expect(await readPost(id)).toBeNull();
  await expect.poll(async () => (await mailbox().messages(email, { subject: SUBJECTS.accountDeleted, since })).length).toBe(1);

  // Not a suspension: the address starts a new, empty account.
  await register(page, email, password);
  expect(await dashboardUserId(page)).not.toBe(userId);
});

test("the page asks again without the confirmation ticked and keeps the account", async ({ page }) => {
  const { password } = await newAccount(page);
  await page.goto("/profile/delete");
  await page.getByLabel("I understand this cannot be undone").check();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await confirmItsYou(page, password);
  // What the server sees when the browser's own check is bypassed.
  await page.locator("main form").evaluate((form) => form.setAttribute("novalidate", ""));
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByRole("alert")).toContainText("Tick “I understand this cannot be undone” to delete your account.");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
});
