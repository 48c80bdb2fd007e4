// Every page, with and without errors shown, in both JavaScript modes: 0 axe-core violations of WCAG
// 2.2 A/AA and axe's best practices. Each page is kept as the browser built it (with JavaScript, after
// React rendered it; without, from the server's HTML), scripts left out, and checked at the end of the
// test in a page that runs axe, on the same site so its stylesheet applies: a page without JavaScript
// cannot run axe itself.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { choosePassword, confirmItsYou, dashboardUserId, expect, logIn, logOut, mailbox, newAccount, SUBJECTS, submitRegistration, test as base, uniqueEmail, verificationLink } from "../kit/index.ts";
import { currentCode } from "../support/totp.ts";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"];

async function violations(page: Page, label: string): Promise<string[]> {
  const { violations: found } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return found.map((violation) => `${label}: ${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

/** `axe(label)` keeps the page as it is now, for the check at the end of the test. */
const test = base.extend<{ axe: (label: string) => Promise<void> }>({
  axe: async ({ page, browser, baseURL }, use) => {
    const kept: Array<{ label: string; html: string }> = [];
    await use(async (label) => {
      kept.push({ label, html: (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "") });
    });
    if (kept.length === 0) return;
    const context = await browser.newContext({ javaScriptEnabled: true, baseURL });
    const checker = await context.newPage();
    await checker.goto("/");
    const found: string[] = [];
    for (const { label, html } of kept) {
      await checker.setContent(html);
      found.push(...(await violations(checker, label)));
    }
    await context.close();
    expect(found).toEqual([]);
  },
});

// Each test walks many pages and runs axe on each (the profile's now includes the activity pages):
// about two minutes on a busy 2-core machine.
test.describe.configure({ timeout: 300_000 });

/** Submits the page's main form as the server sees it: without the browser's own checks. */
async function submitUnchecked(page: Page, button: string) {
  await page.locator("main form").last().evaluate((form) => form.setAttribute("novalidate", ""));
  await page.getByRole("main").getByRole("button", { name: button }).click();
}

test("pages for visitors, with and without errors", async ({ page, axe }) => {
  for (const path of ["/", "/login", "/register", "/forgot-password", "/verify-email", "/reset-password", "/no-such-page"]) {
    await page.goto(path);
    await axe(path);
  }

  await page.goto("/login");
  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await axe("/login with a refused login");

  await page.goto("/register");
  await page.getByLabel("Email").fill("not-an-address");
  await submitUnchecked(page, "Register");
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await axe("/register with field errors");

  await page.goto("/forgot-password");
  await submitUnchecked(page, "Send the link");
  await expect(page.getByText("Email is required")).toBeVisible();
  await axe("/forgot-password with a field error");
  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await axe("/forgot-password sent");

  await page.goto("/verify-email?token=not.a.token");
  await axe("/verify-email with a bad link");
  const email = uniqueEmail("a11y");
  const since = Date.now();
  await submitRegistration(page, email);
  await axe("/verify-email after registering");
  await page.goto(await verificationLink(email, since));
  await axe("/verify-email?token= (choose your password)");
  await choosePassword(page, "a brand new passphrase", "another passphrase");
  await expect(page.getByText("The two passwords are not the same")).toBeVisible();
  await axe("/verify-email?token= with field errors");
  await page.goto("/reset-password?token=not-a-token");
  await axe("/reset-password with a bad link");

  // An email-change link as the app reads it (unexpired, its scope, for account `id`) but not signed by Directus.
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const forged = (id: string) =>
    `/confirm-email?token=${part({ alg: "HS256" })}.${part({ scope: "email-change", id, email: uniqueEmail("a11y-new"), exp: Math.floor(Date.now() / 1000) + 3600 })}.bm90LXNpZ25lZA`;
  await newAccount(page);
  const id = await dashboardUserId(page);
  await page.goto(forged("another-account"));
  await axe("/confirm-email for another account");
  // A second link while the first waits: the page asks before replacing it.
  await page.goto(forged(id));
  await axe("/confirm-email asking before it replaces another link");
  await page.getByRole("button", { name: "Continue" }).click();
  await axe("/confirm-email");
  await page.getByRole("button", { name: "Confirm the new address" }).click();
  await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  await axe("/confirm-email with a link Directus refuses");
  await page.goto("/dashboard");
  await logOut(page);
  await page.goto(forged(id));
  await expect(page.getByRole("link", { name: "Log in to confirm" })).toBeVisible();
  await axe("/confirm-email signed out");
  await page.goto("/confirm-email?token=not.a.token");
  await axe("/confirm-email with a bad link");
});

test("pages for a signed-in person, with and without errors", async ({ page, axe }) => {
  await newAccount(page);
  await axe("/dashboard");

  await page.goto("/posts/new");
  await axe("/posts/new");
  await submitUnchecked(page, "Create post");
  await expect(page.getByText("Title is required")).toBeVisible();
  await axe("/posts/new with a field error");
  await page.getByLabel("Title").fill("Accessible post");
  await page.getByLabel("Content").fill("Some **Markdown** with a [link](https://example.com).");
  await page.getByRole("button", { name: "Create post" }).click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await axe("/posts/:id");
  await page.goto(`${new URL(page.url()).pathname}/edit`);
  await axe("/posts/:id/edit");
  await page.goto(`${new URL(page.url()).pathname.replace(/\/edit$/, "")}/delete`);
  await axe("/posts/:id/delete");
  await page.goto("/posts/2147483647");
  await axe("a missing post");
});

test("the profile's pages and a password reset, with and without errors", async ({ page, axe }) => {
  const { email } = await newAccount(page);
  await page.goto("/profile");
  await axe("/profile");
  await page.getByLabel("First name").evaluate((input) => input.removeAttribute("maxlength"));
  await page.getByLabel("First name").fill("a".repeat(200));
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText(/Must be at most/)).toBeVisible();
  await axe("/profile with a field error");

  await page.goto("/profile/password");
  await axe("/profile/password");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
  await page.getByLabel("Repeat the new password").fill("another passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("The two passwords are not the same")).toBeVisible();
  await axe("/profile/password with field errors");

  await page.goto("/profile/email");
  await axe("/profile/email");
  await page.getByLabel("New email").fill(email);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText("This is already your email address.")).toBeVisible();
  await axe("/profile/email with field errors");

  await page.getByLabel("New email").fill(`moved-${email}`);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  await axe("/confirm-its-you");
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(page.getByText("That password is not right.")).toBeVisible();
  await axe("/confirm-its-you with a field error");

  await page.goto("/profile/sessions");
  await expect(page.getByRole("list", { name: "Your sessions" }).getByRole("listitem")).toHaveCount(1);
  await axe("/profile/sessions");

  await page.goto("/profile");
  await page.getByRole("link", { name: "Recent activity" }).click();
  await expect(page.getByRole("list", { name: "Your recent activity" }).getByRole("listitem").first()).toBeVisible();
  await axe("/profile/activity");
  await page.goto("/profile/activity?before=not%20a%20cursor");
  await expect(page.getByText("That page of your activity does not exist.")).toBeVisible();
  await axe("/profile/activity with a malformed cursor");

  await page.goto("/profile");
  await page.getByRole("link", { name: "Delete your account" }).click();
  // The delete page itself, not the profile still on screen while the link's navigation finishes.
  await expect(page.getByRole("heading", { name: "Delete your account", level: 1 })).toBeVisible();
  await axe("/profile/delete");
  await submitUnchecked(page, "Delete my account");
  await expect(page.getByRole("alert")).toContainText("cannot be undone");
  await axe("/profile/delete with its error");

  await page.goto("/logout");
  await axe("/logout");

  await page.goto("/dashboard");
  await logOut(page);
  const since = Date.now();
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  // A registration in progress: the link's page asks before replacing it.
  await submitRegistration(page, uniqueEmail("a11y-step"));
  await page.goto(await mailbox().link(email, { subject: SUBJECTS.reset, since, path: "/reset-password" }));
  await expect(page.getByRole("heading", { name: "Choose a new password?" })).toBeVisible();
  await axe("/reset-password?token= with a step in progress");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/reset-password$/);
  await axe("/reset-password");
  await page.getByLabel("New password", { exact: true }).fill("eleven char");
  await page.getByLabel("Repeat the new password").fill("eleven char");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await expect(page.getByText(/password policy refused/)).toBeVisible();
  await axe("/reset-password with Directus's refusal");
});

test("recovery codes: shown once, left, and used on the sign-in code steps, with and without errors", async ({ page, axe, account, signedIn }) => {
  const { email } = await newAccount(page);
  await page.goto("/profile/two-factor");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await confirmItsYou(page);
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = (await page.getByTestId("two-factor-key").innerText()).replace(/\s/g, "");
  await page.getByLabel("Six-digit code").fill(await currentCode(secret, 8));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByRole("list", { name: "Your recovery codes" })).toBeVisible();
  await axe("/profile/recovery-codes with new codes");
  await page.getByLabel("I have kept my recovery codes").evaluate((box) => box.removeAttribute("required"));
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText("Tick the box once you have kept your recovery codes.")).toBeVisible();
  await axe("/profile/recovery-codes with a field error");
  await page.getByLabel("I have kept my recovery codes").check();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText("10 of 10 recovery codes left")).toBeVisible();
  await axe("/profile/recovery-codes");

  await page.goto("/profile/two-factor");
  await page.getByRole("region", { name: "Lost your authenticator?" }).getByLabel("Recovery code", { exact: true }).fill("abcde-12345");
  await page.getByRole("button", { name: "Turn off with a recovery code" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await axe("/profile/two-factor on, with a refused recovery code");
  await page.goto("/profile");
  await axe("/profile with two-factor and recovery codes");

  await logOut(page);
  await logIn(page, email);
  await expect(page).toHaveURL(/\/login\/code$/);
  await axe("/login/code with a recovery code form");
  await page.getByLabel("Recovery code", { exact: true }).fill("abcde-12345");
  await page.getByRole("button", { name: "Use recovery code" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await axe("/login/code with a refused recovery code");

  await signedIn(await account({ label: "a11y-sso", provider: true }), { at: "/profile/password" });
  await expect(page.getByText(/has no password here/)).toBeVisible();
  await axe("/profile/password of a provider account");
});
