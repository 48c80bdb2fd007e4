// Every page, with and without errors shown, in both JavaScript modes: 0 axe-core violations of WCAG
// 2.2 A/AA and axe's best practices. axe is a script, which a page without JavaScript cannot run: there
// the page as the browser built it from the server's HTML is copied, scripts left out, into a page
// that can, on the same site so its stylesheet applies.
import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type Page } from "@playwright/test";
import { emailedLink, SUBJECTS } from "../support/mail.ts";
import { logOut, mailDir, register, submitRegistration, uniqueEmail } from "./helpers.ts";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"];

const test = base.extend<{ checker: Page | null }>({
  checker: async ({ browser, javaScriptEnabled, baseURL }, use) => {
    if (javaScriptEnabled) return use(null);
    const context = await browser.newContext({ javaScriptEnabled: true, baseURL });
    await use(await context.newPage());
    await context.close();
  },
});

let checkerPage: Page | null = null;
test.beforeEach(({ checker }) => {
  checkerPage = checker;
});

async function expectAccessible(page: Page, label: string) {
  let target = page;
  if (checkerPage) {
    const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "");
    await checkerPage.goto("/");
    await checkerPage.setContent(html);
    target = checkerPage;
  }
  const { violations } = await new AxeBuilder({ page: target }).withTags(TAGS).analyze();
  const found = violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(found, label).toEqual([]);
}

/** Submits the page's main form as the server sees it: without the browser's own checks. */
async function submitUnchecked(page: Page, button: string) {
  await page.locator("main form").last().evaluate((form) => form.setAttribute("novalidate", ""));
  await page.getByRole("main").getByRole("button", { name: button }).click();
}

test("pages for visitors, with and without errors", async ({ page }) => {
  for (const path of ["/", "/login", "/register", "/forgot-password", "/verify-email", "/reset-password", "/no-such-page"]) {
    await page.goto(path);
    await expectAccessible(page, path);
  }

  await page.goto("/login");
  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expectAccessible(page, "/login with a refused login");

  await page.goto("/register");
  await page.getByLabel("Email").fill("not-an-address");
  await page.getByLabel("Password").fill("short");
  await submitUnchecked(page, "Register");
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expectAccessible(page, "/register with field errors");

  await page.goto("/forgot-password");
  await submitUnchecked(page, "Send the link");
  await expect(page.getByText("Email is required")).toBeVisible();
  await expectAccessible(page, "/forgot-password with a field error");
  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expectAccessible(page, "/forgot-password sent");

  await page.goto("/verify-email?token=not.a.token");
  await expectAccessible(page, "/verify-email with a bad link");
  await submitRegistration(page, uniqueEmail("a11y"));
  await expectAccessible(page, "/verify-email after registering");
  await page.goto("/reset-password?token=not-a-token");
  await expectAccessible(page, "/reset-password with a bad link");
});

test("pages for a signed-in person, with and without errors", async ({ page }) => {
  const { email } = await register(page);
  await expectAccessible(page, "/dashboard");

  await page.goto("/posts/new");
  await expectAccessible(page, "/posts/new");
  await submitUnchecked(page, "Create post");
  await expect(page.getByText("Title is required")).toBeVisible();
  await expectAccessible(page, "/posts/new with a field error");
  await page.getByLabel("Title").fill("Accessible post");
  await page.getByLabel("Content").fill("Some **Markdown** with a [link](https://example.com).");
  await page.getByRole("button", { name: "Create post" }).click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await expectAccessible(page, "/posts/:id");
  await page.goto(`${new URL(page.url()).pathname}/edit`);
  await expectAccessible(page, "/posts/:id/edit");
  await page.goto(`${new URL(page.url()).pathname.replace(/\/edit$/, "")}/delete`);
  await expectAccessible(page, "/posts/:id/delete");
  await page.goto("/posts/2147483647");
  await expectAccessible(page, "a missing post");

  await page.goto("/profile");
  await expectAccessible(page, "/profile");
  await page.getByLabel("First name").evaluate((input) => input.removeAttribute("maxlength"));
  await page.getByLabel("First name").fill("a".repeat(200));
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText(/Must be at most/)).toBeVisible();
  await expectAccessible(page, "/profile with a field error");

  await page.goto("/profile/password");
  await expectAccessible(page, "/profile/password");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
  await page.getByLabel("Repeat the new password").fill("another passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("The two passwords are not the same")).toBeVisible();
  await expectAccessible(page, "/profile/password with field errors");

  await page.goto("/profile/email");
  await expectAccessible(page, "/profile/email");
  await page.getByLabel("New email").fill(email);
  await page.getByLabel("Current password").fill("whatever it is");
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText("This is already your email address.")).toBeVisible();
  await expectAccessible(page, "/profile/email with field errors");

  await page.goto("/logout");
  await expectAccessible(page, "/logout");

  await page.goto("/dashboard");
  await logOut(page);
  const since = Date.now();
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await page.goto(await emailedLink(mailDir(), { to: email, subject: SUBJECTS.reset, since, path: "/reset-password" }));
  await expectAccessible(page, "/reset-password");
  await page.getByLabel("New password", { exact: true }).fill("eleven char");
  await page.getByLabel("Repeat the new password").fill("eleven char");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await expect(page.getByText(/password policy refused/)).toBeVisible();
  await expectAccessible(page, "/reset-password with Directus's refusal");
});
