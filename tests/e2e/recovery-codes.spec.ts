// Recovery codes (issue 32) in both JavaScript modes: ten single-use codes shown once when two-factor
// sign-in is turned on, copied or downloaded, each signing in once instead of the authenticator's
// code (password sign-in, provider sign-in, the draft sign-in), renewed after "confirm it's you",
// and turning two-factor sign-in off. Concurrency, throttling and leaks: tests/hardening/recovery-codes.test.ts.
import { readFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { hasTwoFactor, readPost, recoveryCodesFor } from "../kit/directus.ts";
import { confirmItsYou, dashboardUserId, endSessionElsewhere, expect, logIn, logOut, newAccount, PASSWORD, signInAtProvider, test } from "../kit/index.ts";
import { currentCode } from "../support/totp.ts";

const SHOWN = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;
const WRONG_RECOVERY_CODE = "That recovery code is not right, or it has been used already.";

test.describe.configure({ timeout: 180_000 });

/** The codes the page shows, in order (once it shows them). */
async function shownCodes(page: Page): Promise<string[]> {
  const list = page.getByRole("list", { name: "Your recovery codes" });
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const codes = await list.getByRole("listitem").allInnerTexts();
  return codes.map((code) => code.trim());
}

/** From the set-up page's key to the ten codes: one code turns two-factor on. */
async function turnOn(page: Page): Promise<{ secret: string; codes: string[] }> {
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = (await page.getByTestId("two-factor-key").innerText()).replace(/\s/g, "");
  await page.getByLabel("Six-digit code").fill(await currentCode(secret, 8));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page).toHaveURL(/\/profile\/recovery-codes$/);
  await expect(page.getByRole("status")).toHaveText("Two-factor sign-in is on. Your other sessions have been signed out.");
  const codes = await shownCodes(page);
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(SHOWN);
  expect(new Set(codes).size).toBe(10);
  return { secret, codes };
}

/** "I have kept my recovery codes": afterwards the page shows only how many remain. */
async function keepCodes(page: Page, remaining: number) {
  await page.getByLabel("I have kept my recovery codes").check();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("list", { name: "Your recovery codes" })).toHaveCount(0);
  await expect(page.getByText(`${remaining} of 10 recovery codes left`)).toBeVisible();
}

/** The download: a text file with every code, and no longer than the codes need. */
async function download(page: Page): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download" }).click()]);
  expect(file.suggestedFilename()).toBe("recovery-codes.txt");
  return readFile((await file.path())!, "utf8");
}

/** On a code step: "Use a recovery code" instead of the authenticator's code, and the app's answer. */
async function useRecoveryCode(page: Page, code: string) {
  await page.getByLabel("Recovery code", { exact: true }).fill(code);
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    page.getByRole("button", { name: "Use recovery code" }).click(),
  ]);
}

test("a password account: ten codes once, copied and downloaded, each signs in once, renewed after confirming, and two-factor off with one", async ({
  page,
  context,
  javaScriptEnabled,
}) => {
  const { email } = await newAccount(page);
  const id = await dashboardUserId(page);
  await page.goto("/profile");
  const how = page.getByRole("region", { name: "How you sign in" });
  await expect(how).toContainText("With your password");
  await expect(page.getByRole("link", { name: "Change password" })).toBeVisible();

  await page.goto("/profile/two-factor");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await confirmItsYou(page, PASSWORD);
  const { codes } = await turnOn(page);
  // Two changes in a row (two-factor on, its codes made): "confirm it's you" was asked once.
  expect(await hasTwoFactor(id)).toBe(true);

  if (javaScriptEnabled) {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy" }).click();
    await expect(page.getByText("Copied.")).toBeVisible();
    expect((await page.evaluate(() => navigator.clipboard.readText())).trim().split("\n")).toEqual(codes);
  } else {
    // Without JavaScript no button that cannot work: the codes are plain text to select.
    await expect(page.getByRole("button", { name: "Copy" })).toHaveCount(0);
  }
  const text = await download(page);
  for (const code of codes) expect(text).toContain(code);

  // Confirming needs the box ticked: without it, the codes stay.
  if (!javaScriptEnabled) {
    await page.getByLabel("I have kept my recovery codes").evaluate((box) => box.removeAttribute("required"));
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByText("Tick the box once you have kept your recovery codes.")).toBeVisible();
    expect(await shownCodes(page)).toEqual(codes);
  }
  await keepCodes(page, 10);
  // Shown once: neither the page nor the download gives them again.
  await page.goto("/profile/recovery-codes");
  expect(await page.content()).not.toContain(codes[0]);
  const again = await page.request.get("/profile/recovery-codes/download", { maxRedirects: 0 });
  expect(again.status()).not.toBe(200);
  expect(await again.text()).not.toContain(codes[0]);

  await page.goto("/profile");
  await expect(how).toContainText("Two-factor sign-in: on");
  await expect(how).toContainText("10 recovery codes left");

  // The authenticator is "lost": a recovery code signs in instead, once.
  await logOut(page);
  await logIn(page, email);
  await expect(page).toHaveURL(/\/login\/code$/);
  await useRecoveryCode(page, codes[0]!);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("status")).toHaveText("You signed in with a recovery code. 9 left.");
  await logOut(page);
  await logIn(page, email);
  await useRecoveryCode(page, codes[0]!);
  await expect(page).toHaveURL(/\/login\/code$/);
  await expect(page.getByRole("alert")).toHaveText(WRONG_RECOVERY_CODE);
  // As typed from paper: capitals, no dash, O for 0 and I for 1 are read as meant.
  await useRecoveryCode(page, codes[1]!.replace("-", "").toUpperCase().replace(/0/g, "O").replace(/1/g, "I"));
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("status")).toHaveText("You signed in with a recovery code. 8 left.");

  // Renewing asks "confirm it's you" (a recovery-code sign-in is a new session), then voids the old codes.
  await page.goto("/profile/recovery-codes");
  await expect(page.getByText("8 of 10 recovery codes left")).toBeVisible();
  await page.getByRole("button", { name: "Renew recovery codes" }).click();
  await confirmItsYou(page, PASSWORD);
  await expect(page).toHaveURL(/\/profile\/recovery-codes$/);
  await page.getByRole("button", { name: "Renew recovery codes" }).click();
  const renewed = await shownCodes(page);
  expect(renewed.filter((code) => codes.includes(code))).toEqual([]);
  await keepCodes(page, 10);
  // A second change right after: no second "confirm it's you".
  await page.getByRole("button", { name: "Renew recovery codes" }).click();
  await expect(page).toHaveURL(/\/profile\/recovery-codes$/);
  const latest = await shownCodes(page);
  expect(latest.filter((code) => renewed.includes(code))).toEqual([]);
  await keepCodes(page, 10);

  await logOut(page);
  await logIn(page, email);
  await useRecoveryCode(page, codes[2]!);
  await expect(page.getByRole("alert")).toHaveText(WRONG_RECOVERY_CODE);
  await useRecoveryCode(page, renewed[0]!);
  await expect(page.getByRole("alert")).toHaveText(WRONG_RECOVERY_CODE);
  await useRecoveryCode(page, latest[0]!);
  await expect(page).toHaveURL(/\/dashboard$/);

  // Turning two-factor off with a recovery code, when the authenticator is gone.
  await page.goto("/profile/two-factor");
  const off = page.getByRole("region", { name: "Lost your authenticator?" });
  await off.getByLabel("Recovery code", { exact: true }).fill(latest[0]!);
  await off.getByRole("button", { name: "Turn off with a recovery code" }).click();
  await expect(page.getByRole("alert")).toHaveText(WRONG_RECOVERY_CODE);
  await off.getByLabel("Recovery code", { exact: true }).fill(latest[1]!);
  await off.getByRole("button", { name: "Turn off with a recovery code" }).click();
  await expect(page.getByRole("status")).toHaveText("Two-factor sign-in is off.");
  expect(await hasTwoFactor(id)).toBe(false);
  await page.goto("/profile");
  await expect(how).toContainText("Two-factor sign-in: off");
});

test("a provider account: told it signs in with the provider, two-factor on without a password, then a code and a recovery code through the provider", async ({
  page,
  account,
  signedIn,
}) => {
  const me = await account({ label: "recovery-sso", provider: true });
  const { email, id } = me;
  await signedIn(me, { at: "/profile" });
  await expect(page.getByRole("region", { name: "How you sign in" })).toContainText("With the development provider");
  await expect(page.getByRole("link", { name: "Change password" })).toHaveCount(0);
  await page.goto("/profile/password");
  await expect(page.getByText("Your account signs in with the development provider and has no password here.")).toBeVisible();
  await expect(page.getByLabel("Current password")).toHaveCount(0);

  await page.goto("/profile/two-factor");
  await expect(page.getByRole("main")).not.toContainText("your password");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await page.getByRole("button", { name: "Continue with the development provider" }).click();
  await signInAtProvider(page, email);
  await expect(page).toHaveURL(/\/profile\/two-factor$/);
  const { secret, codes } = await turnOn(page);
  await keepCodes(page, 10);
  expect(await hasTwoFactor(id)).toBe(true);

  // Signing in through the provider asks the code, then the provider once more.
  await logOut(page);
  await continueAtProvider(page, email);
  await expect(page).toHaveURL(/\/login\/provider-code$/);
  await page.getByLabel("Six-digit code").fill(await currentCode(secret, 8));
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await signInIfAsked(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);

  // Without the authenticator: a recovery code, with no second trip to the provider.
  await logOut(page);
  await continueAtProvider(page, email);
  await expect(page).toHaveURL(/\/login\/provider-code$/);
  await useRecoveryCode(page, "00000-00000");
  await expect(page.getByRole("alert")).toHaveText(WRONG_RECOVERY_CODE);
  await useRecoveryCode(page, codes[3]!);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("status")).toHaveText("You signed in with a recovery code. 9 left.");
  await expect(page.getByText(email).first()).toBeVisible();
});

/** "Continue with …" from /login: the provider may remember the person, or ask them to sign in. */
async function continueAtProvider(page: Page, email: string) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Continue with the development provider" }).click();
  await signInIfAsked(page, email);
}

async function signInIfAsked(page: Page, email: string) {
  const form = page.locator('input[name="login"]');
  await expect(form.or(page.getByRole("heading", { level: 1 }))).toBeVisible();
  if (await form.isVisible()) await signInAtProvider(page, email);
}

test("a draft written while the session ended is saved after signing in with a recovery code", async ({ page, account }) => {
  const { email, secret } = await account({ label: "recovery-draft", twoFactor: true });
  const codes = await recoveryCodesFor(email, PASSWORD, secret);
  await page.goto("/login");
  await logIn(page, email);
  await useRecoveryCode(page, codes[0]!);
  await expect(page).toHaveURL(/\/dashboard$/);

  const title = `Draft ${randomUUID().slice(0, 8)}`;
  await page.goto("/posts/new");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Content").fill("Kept through a recovery code.");
  await endSessionElsewhere(page);
  await page.getByRole("button", { name: "Create post" }).click();
  await expect(page.getByRole("heading", { name: "Log in to save your work" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in and save" }).click();
  await expect(page.getByRole("heading", { name: "Enter your sign-in code" })).toBeVisible();
  await useRecoveryCode(page, codes[0]!);
  await expect(page.getByRole("alert")).toHaveText(WRONG_RECOVERY_CODE);
  await useRecoveryCode(page, codes[1]!);
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  const id = Number(new URL(page.url()).pathname.match(/^\/posts\/(\d+)$/)?.[1]);
  expect((await readPost(id))?.content).toBe("Kept through a recovery code.");
});
