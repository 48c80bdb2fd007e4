// Passkeys end to end (docs/decisions/024), against the account-sign-in extension in the test
// Directus: Chromium's virtual authenticator (the CDP WebAuthn domain) stands in for a phone or a
// laptop's fingerprint reader, holding discoverable credentials and verifying its user. A passkey
// ceremony needs JavaScript, so in the no-js project it runs in a second browser with JavaScript, and
// the no-js page does what must work without it: rename, remove, and a login page without a dead button.
import AxeBuilder from "@axe-core/playwright";
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { readPost } from "../kit/directus.ts";
import { addAuthenticator, confirmItsYou, endSessionElsewhere, expect, logIn, logOut, newAccount, PASSWORD, test } from "../kit/index.ts";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"];
const REFUSED = "That passkey could not sign you in. Try again, or log in with your password.";

test.describe.configure({ timeout: 120_000 });

/** The page that runs passkey ceremonies: this one with JavaScript, otherwise one of a second browser with it. */
async function ceremonyPage(page: Page, browser: Browser, baseURL: string | undefined, javaScriptEnabled: boolean): Promise<Page> {
  if (javaScriptEnabled) return page;
  const context = await browser.newContext({ javaScriptEnabled: true, baseURL });
  return context.newPage();
}

/** From /profile/passkeys: adds a passkey named `name`, confirming it's you with the password first when asked. */
async function addPasskey(page: Page, name: string) {
  await page.goto("/profile/passkeys");
  await page.getByLabel("Name (optional)").fill(name);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  const confirmFirst = page.getByRole("heading", { name: "Confirm it's you" });
  await expect(confirmFirst.or(page.getByRole("status"))).toBeVisible();
  if (await confirmFirst.isVisible()) {
    await confirmItsYou(page);
    await expect(page).toHaveURL(/\/profile\/passkeys$/);
    await page.getByLabel("Name (optional)").fill(name);
    await page.getByRole("button", { name: "Add a passkey" }).click();
  }
  await expect(page.getByRole("status")).toHaveText("Your passkey was added. Next time, sign in with it.");
  await expect(page.getByRole("listitem", { name })).toContainText("Last used never");
}

async function signInWithPasskey(page: Page, redirectTo?: string) {
  await page.goto(redirectTo ? `/login?${new URLSearchParams({ redirectTo })}` : "/login");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
}

test("a passkey added through “confirm it's you” signs in alone, lands where asked, and once removed opens nothing", async ({ page, browser, baseURL, javaScriptEnabled }) => {
  const ceremony = await ceremonyPage(page, browser, baseURL, javaScriptEnabled);
  const authenticator = await addAuthenticator(ceremony);
  const { email } = await newAccount(ceremony);
  await ceremony.goto("/profile");
  await expect(ceremony.getByRole("region", { name: "Passkeys" })).toContainText("None yet");
  await ceremony.getByRole("link", { name: "Add a passkey" }).click();
  await expect(ceremony).toHaveURL(/\/profile\/passkeys$/);
  await addPasskey(ceremony, "Work laptop");
  expect(await authenticator.credentials()).toHaveLength(1);
  await ceremony.goto("/profile");
  await expect(ceremony.getByRole("region", { name: "Passkeys" })).toContainText("On: you can sign in with a passkey");

  // The passkey alone: no password, and back to the page that was asked for.
  await ceremony.goto("/dashboard");
  await logOut(ceremony);
  await signInWithPasskey(ceremony, "/posts/new");
  await expect(ceremony).toHaveURL(/\/posts\/new$/);
  await expect(ceremony.getByRole("button", { name: "Log out" })).toBeVisible();

  // A genuine Directus session: logging out ends it for every copy of the cookie.
  const copied = await ceremony.context().cookies();
  await logOut(ceremony);
  const attacker = await browser.newContext({ baseURL });
  await attacker.addCookies(copied);
  const attackerPage = await attacker.newPage();
  await attackerPage.goto("/dashboard");
  await expect(attackerPage).toHaveURL(/\/login/);
  await attacker.close();

  // Rename and remove work in both modes: without JavaScript, on this page after a password login.
  if (javaScriptEnabled) {
    await signInWithPasskey(page);
    await expect(page).toHaveURL(/\/dashboard$/);
  } else {
    await page.goto("/login");
    await logIn(page, email, PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
  }
  await page.goto("/profile/passkeys");
  const item = page.getByRole("listitem", { name: "Work laptop" });
  await expect(item).not.toContainText("Last used never");
  await item.getByLabel("New name for Work laptop").fill("Phone");
  await item.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("status")).toHaveText("Your passkey was renamed.");
  await expect(page.getByRole("listitem", { name: "Phone" })).toBeVisible();

  await page.getByRole("button", { name: "Remove Phone" }).click();
  await expect(page).toHaveURL(/\/confirm-its-you$/);
  if (javaScriptEnabled) {
    // The passkey is now one of the ways to confirm it's you.
    await page.getByRole("button", { name: "Confirm with a passkey" }).click();
    await expect(page.getByRole("status")).toHaveText("Thank you, that is you.");
  } else {
    await expect(page.getByText("Passkeys need JavaScript.")).toBeVisible();
    await confirmItsYou(page);
  }
  await expect(page).toHaveURL(/\/profile\/passkeys$/);
  await page.getByRole("button", { name: "Remove Phone" }).click();
  await expect(page.getByRole("status")).toHaveText("Your passkey was removed. It no longer signs you in.");
  await expect(page.getByText("You have no passkeys yet.")).toBeVisible();

  // The authenticator still holds it; the app no longer takes it.
  if (javaScriptEnabled) await logOut(page);
  expect(await authenticator.credentials()).toHaveLength(1);
  await signInWithPasskey(ceremony);
  await expect(ceremony.getByRole("alert")).toHaveText(REFUSED);
  await expect(ceremony).toHaveURL(/\/login$/);
  if (!javaScriptEnabled) await ceremony.context().close();
});

test("with two-factor sign-in on, a passkey alone signs in: no code is asked", async ({ page, browser, baseURL, javaScriptEnabled, account, signedIn }) => {
  const ceremony = await ceremonyPage(page, browser, baseURL, javaScriptEnabled);
  await addAuthenticator(ceremony);
  const me = await account({ twoFactor: true });
  const { email } = me;
  // Signed in with the password and a code (over HTTP: the code step is two-factor.spec.ts's subject).
  await signedIn(me, { page: ceremony });
  await addPasskey(ceremony, "Laptop");

  await ceremony.goto("/dashboard");
  await logOut(ceremony);
  await signInWithPasskey(ceremony, "/profile");
  await expect(ceremony).toHaveURL(/\/profile$/);
  await expect(ceremony.getByText(`Email: ${email}`)).toBeVisible();
  if (!javaScriptEnabled) await ceremony.context().close();
});

test("a post written while the session ended is saved after signing in with a passkey on the draft sign-in", async ({ page, browser, baseURL, javaScriptEnabled, account, signedIn }) => {
  const ceremony = await ceremonyPage(page, browser, baseURL, javaScriptEnabled);
  // An account that has a passkey already, put in this browser's authenticator as if made here.
  const me = await account({ passkey: true });
  await (await addAuthenticator(ceremony)).add(me.passkey!);
  await signedIn(me, { page: ceremony });
  const title = `Draft ${randomUUID().slice(0, 8)}`;
  await ceremony.goto("/posts/new");
  await ceremony.getByLabel("Title").fill(title);
  await ceremony.getByLabel("Content").fill("Written while the session ended.");
  await endSessionElsewhere(ceremony);
  await ceremony.getByRole("button", { name: "Create post" }).click();
  await expect(ceremony.getByRole("heading", { name: "Log in to save your work" })).toBeVisible();
  await ceremony.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(ceremony).toHaveURL(/\/posts\/\d+$/);
  await expect(ceremony.getByRole("heading", { level: 1 })).toHaveText(title);
  const id = Number(new URL(ceremony.url()).pathname.split("/").pop());
  expect((await readPost(id))?.content).toBe("Written while the session ended.");
  if (!javaScriptEnabled) await ceremony.context().close();
});

test("no dead passkey button without JavaScript; with it the button, the email field's autofill, and pages axe passes", async ({ page, javaScriptEnabled }) => {
  await page.goto("/login");
  await expect(page.getByLabel("Email")).toHaveAttribute("autocomplete", "username webauthn");
  if (!javaScriptEnabled) {
    await expect(page.getByRole("button", { name: /passkey/i })).toHaveCount(0);
    await expect(page.getByText("Signing in with a passkey needs JavaScript; your password works without it.")).toBeVisible();
    await newAccount(page);
    await page.goto("/profile/passkeys");
    await expect(page.getByRole("button", { name: /passkey/i })).toHaveCount(0);
    await expect(page.getByText("Adding a passkey needs JavaScript")).toBeVisible();
    return;
  }
  await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toBeVisible();
  const axe = async (label: string) => {
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    return violations.map((violation) => `${label}: ${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  };
  const found = [...(await axe("/login with the passkey button"))];
  await addAuthenticator(page);
  await newAccount(page);
  await page.goto("/profile/passkeys");
  found.push(...(await axe("/profile/passkeys, none yet")));
  await addPasskey(page, "Laptop");
  found.push(...(await axe("/profile/passkeys with a passkey")));
  // A field error: a name too long for the extension, sent past the browser's own limit.
  await page.getByLabel("New name for Laptop").evaluate((input) => input.removeAttribute("maxlength"));
  await page.getByLabel("New name for Laptop").fill("x".repeat(65));
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("alert")).toHaveText("Please correct the highlighted fields.");
  found.push(...(await axe("/profile/passkeys with a field error")));
  expect(found).toEqual([]);
});
