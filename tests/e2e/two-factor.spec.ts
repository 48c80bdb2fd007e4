// Two-factor sign-in with an authenticator app, end to end in both JavaScript modes. Codes are
// computed as an authenticator app would (otplib, the version Directus checks them with).
import type { BrowserContext, Page } from "@playwright/test";
import { createRoleRequiringTwoFactor, hasTwoFactor, moveUserToRole } from "../kit/directus.ts";
import { confirmItsYou, dashboardUserId, expect, logIn, logOut, newAccount, PASSWORD, sleep, test } from "../kit/index.ts";
import { CLUSTER } from "./tags.ts";
import { codeAfter, currentCode, wrongCode } from "../support/totp.ts";

const WRONG_CODE = "That code is not right. Enter the code your authenticator app shows now.";

/** Submits a code at the sign-in code step and waits for the app's answer. */
async function enterCode(page: Page, code: string) {
  await page.getByLabel("Six-digit code").fill(code);
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname.startsWith("/login/code")),
    page.getByRole("button", { name: "Log in" }).click(),
  ]);
}

/** A wrong code: the message, and an emptied input (so the next code is not typed into the old one). */
async function enterWrongCode(page: Page, secret: string) {
  await enterCode(page, wrongCode(secret));
  await expect(page.getByRole("alert")).toHaveText(WRONG_CODE);
  await expect(page).toHaveURL(/\/login\/code$/);
  await expect(page.getByLabel("Six-digit code")).toHaveValue("");
}

/** The key the set-up page shows as text, without the spaces that group it for reading. */
async function shownKey(page: Page): Promise<string> {
  return (await page.getByTestId("two-factor-key").innerText()).replace(/\s/g, "");
}

test("turning two-factor on from the profile: \"confirm it's you\" with the password, QR code and key, one code; my other sessions end", CLUSTER, async ({ page, browser }) => {
  const { email } = await newAccount(page);
  const id = await dashboardUserId(page);

  await page.goto("/profile");
  await expect(page.getByRole("region", { name: "Two-factor sign-in" })).toContainText("Off:");
  await page.getByRole("link", { name: "Set up two-factor sign-in" }).click();
  await expect(page).toHaveURL(/\/profile\/two-factor$/);

  // "Confirm it's you" first: a wrong password is answered under the field; nobody is signed out for it.
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(page.getByText("That password is not right.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveValue("");

  await confirmItsYou(page, PASSWORD);
  await expect(page).toHaveURL(/\/profile\/two-factor$/);
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
  await expect(qr).toBeVisible();
  expect((await qr.boundingBox())?.width).toBeGreaterThan(100);
  const secret = await shownKey(page);
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  // The password typed a moment ago appears nowhere on the page.
  expect(await page.content()).not.toContain(PASSWORD);

  // A wrong code keeps the QR code and key on the page.
  await page.getByLabel("Six-digit code").fill(wrongCode(secret));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByRole("alert")).toHaveText(WRONG_CODE);
  await expect(qr).toBeVisible();
  expect(await shownKey(page)).toBe(secret);
  expect(await hasTwoFactor(id)).toBe(false);

  const code = page.getByLabel("Six-digit code");
  await expect(code).toHaveAttribute("autocomplete", "one-time-code");
  await expect(code).toHaveAttribute("inputmode", "numeric");
  // A second session, shown alive right before the set-up: its end below is the set-up's doing.
  const elsewhere: BrowserContext = await browser.newContext();
  const otherPage = await elsewhere.newPage();
  await otherPage.goto("/login");
  await logIn(otherPage, email);
  await expect(otherPage).toHaveURL(/\/dashboard$/);
  const fresh = await currentCode(secret, 8);
  await otherPage.goto("/dashboard");
  await expect(otherPage).toHaveURL(/\/dashboard$/);
  await code.fill(fresh);
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByRole("status")).toHaveText("Two-factor sign-in is on. Your other sessions have been signed out.");

  // The other session has ended; this one goes on.
  await otherPage.goto("/dashboard");
  await expect(otherPage).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
  await elsewhere.close();
  await page.goto("/profile");
  await expect(page.getByRole("region", { name: "Two-factor sign-in" })).toContainText("On:");
  expect(await hasTwoFactor(id)).toBe(true);
});

test("signing in with a code: the password first, then the code, and back to the page I asked for", CLUSTER, async ({ page, javaScriptEnabled, account }) => {
  const { email, password, secret } = await account({ twoFactor: true });
  await page.goto("/posts/new");
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code$/);
  await expect(page.getByRole("heading", { name: "Enter your sign-in code" })).toBeVisible();

  const code = page.getByLabel("Six-digit code");
  await expect(code).toHaveAttribute("autocomplete", "one-time-code");
  await expect(code).toHaveAttribute("inputmode", "numeric");
  await expect(code).toBeFocused();
  const html = await page.content();
  expect(html).not.toContain(password);
  expect(html).not.toContain(email);

  const documentPosts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.resourceType() === "document") documentPosts.push(new URL(request.url()).pathname);
  });
  await enterCode(page, await currentCode(secret));
  await expect(page).toHaveURL(/\/posts\/new$/);
  // With JavaScript React Router sends the form without loading a new document.
  expect(documentPosts).toEqual(javaScriptEnabled ? [] : ["/login/code"]);
  await page.goto("/dashboard");
  await expect(page.getByText(email).first()).toBeVisible();
});

test("a wrong code keeps me on the code step with a message; five wrong codes start over", async ({ page, account }) => {
  const { email, password, secret } = await account({ twoFactor: true });
  await page.goto("/login");
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code$/);

  await enterWrongCode(page, secret);

  // Not digits: answered under the field, and it does not count as a wrong code.
  await page.getByLabel("Six-digit code").evaluate((input) => input.removeAttribute("pattern"));
  await enterCode(page, "abcdef");
  await expect(page.getByText("Enter the six digits your authenticator app shows")).toBeVisible();

  for (let wrong = 2; wrong <= 4; wrong++) await enterWrongCode(page, secret);
  await enterCode(page, wrongCode(secret));
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("status")).toHaveText("Too many wrong codes. Please log in again.");
  // The step is gone: the code page sends me back to the password.
  await page.goto("/login/code");
  await expect(page).toHaveURL(/\/login$/);

  // "Start over" leaves the code step too.
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code$/);
  await page.getByRole("button", { name: "Start over" }).click();
  await expect(page).toHaveURL(/\/login$/);
  // The count is the account's, kept on the server: a new login does not reset it, even with the right code.
  await logIn(page, email, password);
  await enterCode(page, await currentCode(secret));
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("status")).toHaveText(/^Too many wrong codes\. Try again in \d+ minutes?\.$/);
});

test("the code step expires: a right code after it ends signs nobody in", async ({ page, account }) => {
  // Five-minute steps are too long to wait for: both stacks (global-setup.ts, npm run test:cluster)
  // start one more app whose two-factor steps end after 3 seconds.
  const shortSteps = process.env.E2E_SHORT_STEPS_URL;
  if (!shortSteps) throw new Error("E2E_SHORT_STEPS_URL is not set: the stack has no app with 3-second two-factor steps");
  const { email, password, secret } = await account({ twoFactor: true });
  await page.goto(new URL("/login", shortSteps).href);
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code$/);
  // The cookie holding the step expires with it (the device cookie beside it is another, long-lived one).
  const cookie = (await page.context().cookies(shortSteps)).find((one) => one.name === "__Host-session");
  expect(cookie?.expires).toBeGreaterThan(Date.now() / 1000);
  expect(cookie?.expires).toBeLessThan(Date.now() / 1000 + 10);

  await sleep(3_500);
  await enterCode(page, await currentCode(secret));
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("status")).toHaveText("That sign-in has expired. Please log in again.");
  await page.goto(new URL("/dashboard", shortSteps).href);
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
});

test("the step between password and code is not readable in the cookie", async ({ page, account, signedIn }) => {
  const me = await account({ twoFactor: true });
  const { email, password } = me;
  // Signed in once from this browser, which is then a known device for the account (its own cookie).
  await signedIn(me);
  await logOut(page);
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code$/);
  // The session cookie and the device cookie.
  const cookies = await page.context().cookies();
  expect(cookies.map((cookie) => cookie.name).sort()).toEqual(["__Host-device", "__Host-session"]);
  for (const cookie of cookies) {
    expect(cookie.httpOnly).toBe(true);
    const raw = decodeURIComponent(cookie.value);
    const decodings = [raw, ...raw.split(".").flatMap((part) => [Buffer.from(part, "base64"), Buffer.from(part, "base64url")].map((bytes) => bytes.toString("latin1")))];
    for (const text of decodings) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(email);
      expect(text).not.toContain(email.split("@")[0]);
      expect(text).not.toMatch(/login-code|"step"|password/);
    }
  }
});

test("turning two-factor off takes a current code", async ({ page, account }) => {
  const { email, password, secret, id } = await account({ twoFactor: true });
  await page.goto("/login");
  await logIn(page, email, password);
  const signInCode = await currentCode(secret);
  await enterCode(page, signInCode);
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.goto("/profile");
  await expect(page.getByRole("region", { name: "Two-factor sign-in" })).toContainText("On:");
  await page.getByRole("link", { name: "Manage two-factor sign-in" }).click();
  await page.getByLabel("Six-digit code").fill(wrongCode(secret));
  await page.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  await expect(page.getByRole("alert")).toHaveText(WRONG_CODE);
  expect(await hasTwoFactor(id)).toBe(true);
  // A code is taken once: the one that signed in does not also turn two-factor off.
  await page.getByLabel("Six-digit code").fill(signInCode);
  await page.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  await expect(page.getByRole("alert")).toHaveText(WRONG_CODE);
  expect(await hasTwoFactor(id)).toBe(true);

  await page.getByLabel("Six-digit code").fill(await codeAfter(secret, signInCode));
  await page.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  await expect(page.getByRole("status")).toHaveText("Two-factor sign-in is off.");
  expect(await hasTwoFactor(id)).toBe(false);

  await logOut(page);
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("a policy that requires two-factor sends me to set it up, and nowhere else, until I have", async ({ page }) => {
  const { email, password } = await newAccount(page);
  const id = await dashboardUserId(page);
  await moveUserToRole(id, await createRoleRequiringTwoFactor());
  await logOut(page);

  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/profile\/two-factor$/);
  await expect(page.getByText("Your account requires two-factor sign-in. Set it up to continue.")).toBeVisible();
  for (const path of ["/dashboard", "/profile", "/posts/new"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/profile\/two-factor$/);
  }

  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await confirmItsYou(page, password);
  await expect(page).toHaveURL(/\/profile\/two-factor$/);
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = await shownKey(page);
  await page.getByLabel("Six-digit code").fill(await currentCode(secret));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByRole("status")).toHaveText("Two-factor sign-in is on. Your other sessions have been signed out.");
  // The recovery codes come first (recovery-codes.spec.ts); then the settings page again.
  await expect(page).toHaveURL(/\/profile\/recovery-codes$/);
  await page.goto("/profile/two-factor");
  // The policy keeps it on: there is no form to turn it off.
  await expect(page.getByText("Your account requires two-factor sign-in, so it stays on.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Turn off two-factor sign-in" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Turn off with a recovery code" })).toHaveCount(0);

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  await logOut(page);
  await logIn(page, email, password);
  await enterCode(page, await currentCode(secret));
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("with two-factor on, the profile still changes my password with the current one, and keeps me signed in", async ({ page, account }) => {
  const { email, password, secret } = await account({ twoFactor: true });
  await page.goto("/login");
  await logIn(page, email, password);
  await enterCode(page, await currentCode(secret));
  await expect(page).toHaveURL(/\/dashboard$/);

  const newPassword = "a new and longer passphrase";
  await page.goto("/profile/password");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Repeat the new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("This is not your current password.")).toBeVisible();

  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Repeat the new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("status")).toHaveText("Your password has been changed. Every other session of your account has ended.");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);

  // The new password leads to the code step; the old one no longer does.
  await logOut(page);
  await logIn(page, email, password);
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
  await logIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/login\/code$/);
});
