// "Your data" on /profile (both JavaScript modes): the download is one JSON file with the profile and
// the posts and no secret of any kind; the activity page tells, in plain words, of a sign-in from
// another browser, a failed sign-in there and a password change.
import { readFile } from "node:fs/promises";
import { createPostsAs, enableTwoFactor } from "../kit/directus.ts";
import { expect, logIn, newAccount, test } from "../kit/index.ts";

test.beforeEach(() => test.slow());

const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;
const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const NEW_PASSWORD = "a brand new passphrase";

test("the download holds the profile and the posts, and no token, hash or secret", async ({ page }) => {
  const { email, password } = await newAccount(page);
  await page.goto("/profile");
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Last name").fill("Lovelace");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status")).toHaveText("Profile saved");
  const posts = [
    { title: "Notes on the engine", content: "# The engine\n\nIt weaves **algebraic patterns**." },
    { title: "Second thoughts", content: "- one\n- two" },
  ];
  const postIds = await createPostsAs(email, password, posts);
  const secret = await enableTwoFactor(email, password);

  await page.goto("/profile");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download your data" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^account-\d{4}-\d{2}-\d{2}\.json$/);
  const text = await readFile(await download.path(), "utf8");
  const exported = JSON.parse(text);

  expect(exported.format).toBe("account-export/1");
  expect(exported.profile).toMatchObject({ email, first_name: "Ada", last_name: "Lovelace" });
  expect(exported.sign_in_methods).toMatchObject({ password: true, two_factor: true });
  expect(exported.posts.map((post: { id: number }) => post.id).sort()).toEqual([...postIds].sort());
  for (const post of posts) expect(exported.posts).toContainEqual(expect.objectContaining(post));

  const session = (await page.context().cookies()).find((cookie) => cookie.name === "__Host-session" || cookie.name === "session");
  expect(session?.value.length).toBeGreaterThan(20);
  for (const secretText of [session!.value, password, secret, "tfa_secret", "$argon2", "token"]) {
    expect(text.toLowerCase()).not.toContain(secretText.toLowerCase());
  }
  expect(text).not.toMatch(JWT);
  // The page the link was on is still there: the browser saved the file instead of leaving.
  await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
});

test("the activity page tells of a sign-in from another browser, a failed sign-in and a password change", async ({ page, browser }, testInfo) => {
  const { email, password } = await newAccount(page);

  const elsewhere = await browser.newContext({ userAgent: FIREFOX_ON_WINDOWS, javaScriptEnabled: testInfo.project.name !== "no-js" });
  const other = await elsewhere.newPage();
  await other.goto("/login");
  await logIn(other, email, "not the password");
  await expect(other.getByRole("alert")).toBeVisible();
  await logIn(other, email, password);
  await expect(other).toHaveURL(/\/dashboard$/);
  await elsewhere.close();

  await page.goto("/profile/password");
  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/profile$/);

  await page.getByRole("link", { name: "Recent activity" }).click();
  await expect(page).toHaveURL(/\/profile\/activity$/);
  await expect(page.getByRole("heading", { name: "Recent activity" })).toBeVisible();
  const events = page.getByRole("list", { name: "Your recent activity" }).getByRole("listitem");
  await expect(events.filter({ hasText: "Password changed" })).toHaveCount(1);
  await expect(events.filter({ hasText: "Signed in with your password" }).filter({ hasText: "Firefox 133 on Windows" })).toHaveCount(1);
  await expect(events.filter({ hasText: "A failed sign-in" }).filter({ hasText: "Firefox 133 on Windows" })).toHaveCount(1);
  await expect(events.filter({ hasText: "Signed in with your password" }).first()).toContainText(/IP \S+/);
  const texts = await events.allInnerTexts();
  const at = (words: string) => texts.findIndex((item) => item.includes(words));
  // Newest first: the password change comes before what happened in the other browser.
  expect(at("Password changed")).toBeLessThan(at("A failed sign-in"));
  // What was typed is never shown.
  await expect(page.getByRole("main")).not.toContainText("not the password");
  // Fewer than a page of events: no link to older ones.
  await expect(page.getByRole("link", { name: "Older activity" })).toHaveCount(0);
});
