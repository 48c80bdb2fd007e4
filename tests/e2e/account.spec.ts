// The account flows by email, in both JavaScript modes, with the real mails Directus sends (read from
// its mail sink): confirming a registration, resetting a password, and changing the password or the
// email from the profile. The test Directus verifies email addresses and has a password policy of at
// least 12 characters (global-setup.ts).
import { expect, test, type Browser, type Page } from "@playwright/test";
import { choosePassword, confirmItsYou, logIn, logOut, mailbox, newAccount, PASSWORD, sleep, SUBJECTS, submitRegistration, uniqueEmail, verificationLink } from "../kit/index.ts";
import { CLUSTER } from "./tags.ts";

const NEW_PASSWORD = "a brand new passphrase";
// Long enough for the app (8), too short for Directus's policy (12).
const SHORT_FOR_DIRECTUS = "eleven char";

function resetLink(email: string, since: number) {
  return mailbox().link(email, { subject: SUBJECTS.reset, since, path: "/reset-password" });
}

/** A second browser signed in as the same user: its session must end when the password changes. */
async function otherSession(browser: Browser, email: string, password = PASSWORD): Promise<Page> {
  const other = await browser.newPage();
  await other.goto("/login");
  await logIn(other, email, password);
  await expect(other).toHaveURL(/\/dashboard$/);
  return other;
}

async function expectEnded(other: Page) {
  await other.goto("/dashboard");
  await expect(other).toHaveURL(/\/login/);
  await other.close();
}

/** Replaces the signature of a JWT in a link: the token reads the same but Directus did not sign it. */
function tampered(link: string): string {
  const url = new URL(link);
  const [header, payload] = url.searchParams.get("token")!.split(".");
  url.searchParams.set("token", `${header}.${payload}.bm90LXRoZS1zaWduYXR1cmU`);
  return url.href;
}

test.describe("confirming a registration", () => {
  test("the link's page asks for the password; saving it confirms the address and signs in", CLUSTER, async ({ page }) => {
    const email = uniqueEmail("confirm");
    const since = Date.now();
    await submitRegistration(page, email);
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    await expect(page.getByText(`We sent a link to ${email}.`)).toBeVisible();

    const link = await verificationLink(email, since);
    await page.goto(link);
    // The page speaks only of this registration (email changes have their own page, /confirm-email).
    await expect(page.getByRole("region", { name: "Choose your password" }).locator(":scope > p")).toHaveText([
      `For ${email}. Saving it confirms this address and signs you in.`,
    ]);
    // Opening the page again changes nothing: only the form's post confirms.
    await page.goto(link);
    await choosePassword(page, NEW_PASSWORD, `${NEW_PASSWORD}!`);
    await expect(page.getByText("The two passwords are not the same")).toBeVisible();
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");

    await page.locator("main form").evaluate((form) => form.setAttribute("novalidate", ""));
    await choosePassword(page, "short");
    await expect(page.getByText(/at least 8 characters/).first()).toBeVisible();

    await choosePassword(page, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("status")).toHaveText("Your email address is confirmed and your password is set.");
    await logOut(page);
    await logIn(page, email, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test("Directus's password policy is shown on the form, and the same link then finishes the confirmation", async ({ page }) => {
    const email = uniqueEmail("policy");
    const since = Date.now();
    await submitRegistration(page, email);
    await page.goto(await verificationLink(email, since));
    await choosePassword(page, SHORT_FOR_DIRECTUS);
    await expect(page.getByText("Directus's password policy refused this password.", { exact: false })).toBeVisible();
    await expect(page.getByRole("alert")).toHaveText("Please correct the highlighted fields.");
    await choosePassword(page, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test("logging in before confirming says so; sending the link again answers the same and mails nothing new within five minutes", async ({ page }) => {
    const email = uniqueEmail("early");
    const since = Date.now();
    await submitRegistration(page, email);
    const link = await verificationLink(email, since);

    await page.goto("/login");
    await logIn(page, email);
    await expect(page.getByRole("alert")).toHaveText("Your email address is not confirmed yet. Open the link we sent you, or send a new one.");
    await page.getByRole("button", { name: "Send the link again" }).click();
    await expect(page).toHaveURL(/\/verify-email$/);
    await expect(page.getByRole("status").filter({ hasText: "again" })).toHaveText(`We sent the link to ${email} again.`);

    // Mail goes out after Directus answers: wait before counting.
    await sleep(2_000);
    expect(await mailbox().messages(email, { subject: SUBJECTS.verify, since })).toHaveLength(1);
    await page.goto(link);
    await choosePassword(page, PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test("a used, tampered or expired link says which, with a way on", async ({ page }) => {
    const email = uniqueEmail("links");
    const since = Date.now();
    await submitRegistration(page, email);
    const link = await verificationLink(email, since);

    // Only Directus can tell a tampered token: the form's post asks it.
    await page.goto(tampered(link));
    await choosePassword(page, PASSWORD);
    await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Send the link again" })).toBeVisible();

    await page.goto(link);
    await choosePassword(page, PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
    await logOut(page);
    await page.goto(link);
    await choosePassword(page, "someone else's password");
    await expect(page.getByRole("heading", { name: "This link has already been used" })).toBeVisible();
    await page.getByRole("main").getByRole("link", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await logIn(page, email, "someone else's password");
    await expect(page.getByRole("alert")).toHaveText("Invalid email or password");

    // Written as Directus writes them, one hour past its end (the app reads the expiry before asking).
    const url = new URL(link);
    const [header, , signature] = url.searchParams.get("token")!.split(".");
    const payload = Buffer.from(JSON.stringify({ email, scope: "pending-registration", iat: 1, exp: Math.floor(Date.now() / 1000) - 3600, iss: "directus" })).toString("base64url");
    url.searchParams.set("token", `${header}.${payload}.${signature}`);
    const expired = await page.goto(url.href);
    expect(expired?.status()).toBe(410);
    await expect(page.getByRole("heading", { name: "This link has expired" })).toBeVisible();
  });
});

test.describe("resetting a forgotten password", () => {
  test("from the login page to a new password: signed in here, every other session ended, the link used up", CLUSTER, async ({ page, browser }) => {
    const { email } = await newAccount(page);
    const other = await otherSession(browser, email);
    await logOut(page);

    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    const since = Date.now();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    const link = await resetLink(email, since);

    await page.goto(link);
    // The token moved into the session: the address bar no longer shows it.
    await expect(page).toHaveURL(/\/reset-password$/);
    await expect(page.getByText(`For ${email}.`)).toBeVisible();

    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(`${NEW_PASSWORD}!`);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect(page.getByText("The two passwords are not the same")).toBeVisible();
    await expect(page.getByLabel("New password", { exact: true })).toHaveValue("");

    await page.getByLabel("New password", { exact: true }).fill(SHORT_FOR_DIRECTUS);
    await page.getByLabel("Repeat the new password").fill(SHORT_FOR_DIRECTUS);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect(page.getByText("Directus's password policy refused this password.", { exact: false })).toBeVisible();
    await expect(page.getByRole("alert")).toHaveText("Please correct the highlighted fields.");

    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("status")).toHaveText("Your password has been changed. You are logged in here, and out everywhere else.");
    await expectEnded(other);

    await page.goto(link);
    await expect(page).toHaveURL(/\/reset-password$/);
    await page.getByLabel("New password", { exact: true }).fill("yet another passphrase");
    await page.getByLabel("Repeat the new password").fill("yet another passphrase");
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect(page.getByRole("heading", { name: "This link has already been used" })).toBeVisible();

    await logOut(page);
    await logIn(page, email, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test("every address gets the same answer, and only an account's address gets a mail", async ({ page }) => {
    const { email } = await newAccount(page);
    await logOut(page);
    const unknown = uniqueEmail("nobody");
    const answers: string[] = [];
    const since = Date.now();
    for (const address of [email, unknown]) {
      await page.goto("/forgot-password");
      await page.getByLabel("Email").fill(address);
      await page.getByRole("button", { name: "Send the link" }).click();
      await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
      answers.push((await page.locator("main").innerText()).replaceAll(address, "ADDRESS"));
    }
    expect(answers[1]).toBe(answers[0]);
    await resetLink(email, since);
    expect(await mailbox().messages(unknown, { subject: SUBJECTS.reset, since })).toEqual([]);
  });

  test("a reset link opened while this browser is in the middle of something else asks before replacing it", async ({ page }) => {
    const { email } = await newAccount(page);
    await logOut(page);
    const since = Date.now();
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send the link" }).click();
    const link = await resetLink(email, since);
    // A registration in progress in this browser: the link's GET must not replace it.
    await submitRegistration(page, uniqueEmail("in-progress"));

    await page.goto(link);
    await expect(page.getByRole("heading", { name: "Choose a new password?" })).toBeVisible();
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(/\/reset-password$/);
    await expect(page.getByText(`For ${email}.`)).toBeVisible();
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test("a reset link that was tampered with, or no link at all, says so", async ({ page }) => {
    const { email } = await newAccount(page);
    await logOut(page);
    const since = Date.now();
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send the link" }).click();
    const link = await resetLink(email, since);

    await page.goto(tampered(link));
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();

    const none = await page.goto("/reset-password");
    expect(none?.status()).toBe(400);
    await expect(page.getByRole("heading", { name: "Open the link from your email" })).toBeVisible();
  });
});

test.describe("the profile", () => {
  test("changing the password needs the current one, keeps me signed in here and ends my other sessions", CLUSTER, async ({ page, browser }) => {
    const { email } = await newAccount(page);
    const other = await otherSession(browser, email);

    await page.goto("/profile");
    await page.getByRole("link", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/profile\/password$/);
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("This is not your current password.")).toBeVisible();
    await expect(page.getByLabel("Current password")).toHaveValue("");

    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole("status")).toHaveText("Your password has been changed. Every other session of your account has ended.");
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/dashboard$/);
    await expectEnded(other);

    await logOut(page);
    await logIn(page, email, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test("changing the email waits for the link sent to the new address; the account keeps its address until it is confirmed", CLUSTER, async ({ page, browser }) => {
    // Two sessions, "confirm it's you" with a wrong password first, and mail: more steps than most tests.
    test.slow();
    const { email } = await newAccount(page);
    const other = await otherSession(browser, email);
    const newEmail = uniqueEmail("moved");
    await page.goto("/profile/email");
    await page.getByLabel("New email").fill(newEmail);
    await page.getByRole("button", { name: "Change email" }).click();
    // "Confirm it's you" first; a wrong password is answered under the field.
    await expect(page).toHaveURL(/\/confirm-its-you$/);
    await page.getByLabel("Password").fill("not my password");
    await page.getByRole("button", { name: "Confirm", exact: true }).click();
    await expect(page.getByText("That password is not right.")).toBeVisible();
    await confirmItsYou(page);
    // Back on the form with the address typed before.
    await expect(page).toHaveURL(/\/profile\/email$/);
    await expect(page.getByLabel("New email")).toHaveValue(newEmail);

    const requested = Date.now();
    await page.getByRole("button", { name: "Change email" }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole("status")).toHaveText(`We sent a link to ${newEmail}; your address changes once you open it.`);
    // Nothing changed yet: this browser, the other session and the old address all still work.
    await expect(page.getByRole("main").getByText(email)).toBeVisible();
    await other.goto("/dashboard");
    await expect(other).toHaveURL(/\/dashboard$/);

    const link = await mailbox().link(newEmail, { subject: SUBJECTS.confirmEmailChange, since: requested, path: "/confirm-email" });
    // Opening the link changes nothing (mail scanners open links too): it shows a button.
    await page.goto(link);
    await expect(page.getByRole("heading", { name: "Confirm your new email address" })).toBeVisible();
    await expect(page.getByText(newEmail)).toBeVisible();
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/dashboard$/);

    const since = Date.now();
    await page.goto(link);
    await page.getByRole("button", { name: "Confirm the new address" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("status")).toHaveText(`Your email address is now ${newEmail}. Log in with it: every session of your account has ended.`);
    await expect(page.getByLabel("Email")).toHaveValue(newEmail);
    await expectEnded(other);
    await expect.poll(async () => (await mailbox().messages(email, { subject: SUBJECTS.emailChanged, since })).length).toBe(1);

    await logIn(page, email);
    await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
    await logIn(page, newEmail);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByText(newEmail).first()).toBeVisible();

    // The link works once.
    await page.goto(link);
    await page.getByRole("button", { name: "Confirm the new address" }).click();
    await expect(page.getByRole("heading", { name: "This link has already been used" })).toBeVisible();
  });

  test("an email-change link confirms nothing without its account: signed out it asks for the sign-in and comes back; another account is refused", async ({ page, browser }) => {
    // Two accounts and two mails: more steps than most tests.
    test.slow();
    const { email } = await newAccount(page);
    const newEmail = uniqueEmail("typo");
    const requested = Date.now();
    await requestEmailChange(page, newEmail);
    const link = await mailbox().link(newEmail, { subject: SUBJECTS.confirmEmailChange, since: requested, path: "/confirm-email" });

    // Another account, signed in, holding the link: refused, and nothing changes.
    const stranger = await browser.newPage();
    await newAccount(stranger);
    await stranger.goto(link);
    await expect(stranger).toHaveURL(/\/confirm-email$/);
    await expect(stranger.getByRole("heading", { name: "This link is for another account" })).toBeVisible();
    await expect(stranger.getByRole("button", { name: "Confirm the new address" })).toHaveCount(0);
    await stranger.close();

    // Signed out, the link (its token out of the address bar) asks for the account's sign-in, which comes back here.
    await logOut(page);
    await page.goto(link);
    await expect(page).toHaveURL(/\/confirm-email$/);
    await expect(page.getByText("Only the account that asked for this change can confirm it.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Confirm the new address" })).toHaveCount(0);
    await page.getByRole("link", { name: "Log in to confirm" }).click();
    await logIn(page, email);
    await expect(page).toHaveURL(/\/confirm-email$/);
    await page.getByRole("button", { name: "Confirm the new address" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("status")).toHaveText(`Your email address is now ${newEmail}. Log in with it: every session of your account has ended.`);
  });

  test("the old address's notice cancels a pending email change, without signing in; the link to the new address then changes nothing", async ({ page, browser }) => {
    // Two accounts and two mails: more steps than most tests.
    test.slow();
    const { email } = await newAccount(page);
    const newEmail = uniqueEmail("unwanted");
    const requested = Date.now();
    await requestEmailChange(page, newEmail);
    const link = await mailbox().link(newEmail, { subject: SUBJECTS.confirmEmailChange, since: requested, path: "/confirm-email" });
    const cancel = await mailbox().link(email, { subject: SUBJECTS.emailChangeAsked, since: requested, path: "/confirm-email" });

    const anyone = await browser.newPage();
    await anyone.goto(cancel);
    await expect(anyone).toHaveURL(/\/confirm-email$/);
    await anyone.getByRole("button", { name: "Cancel the change" }).click();
    await expect(anyone.getByRole("status")).toContainText("The change is cancelled");
    await anyone.close();

    await page.goto(link);
    await page.getByRole("button", { name: "Confirm the new address" }).click();
    await expect(page.getByRole("heading", { name: "This change was cancelled" })).toBeVisible();
    await page.goto("/profile");
    await expect(page.getByRole("main").getByText(email)).toBeVisible();
  });

  test("a tampered or malformed email-change link says it does not work, and changes nothing", async ({ page }) => {
    const { email } = await newAccount(page);
    const newEmail = uniqueEmail("tamper");
    const since = Date.now();
    await requestEmailChange(page, newEmail);
    const link = await mailbox().link(newEmail, { subject: SUBJECTS.confirmEmailChange, since, path: "/confirm-email" });

    await page.goto(tampered(link));
    await page.getByRole("button", { name: "Confirm the new address" }).click();
    await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
    await page.goto("/confirm-email?token=nonsense");
    await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Confirm the new address" })).toHaveCount(0);
    await page.goto("/profile");
    await expect(page.getByRole("main").getByText(email)).toBeVisible();
  });
});

/** Asks for an email change from the profile, through "confirm it's you" with the password: back on the profile. */
async function requestEmailChange(page: Page, newEmail: string) {
  await page.goto("/profile/email");
  await page.getByLabel("New email").fill(newEmail);
  await page.getByRole("button", { name: "Change email" }).click();
  await confirmItsYou(page);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page).toHaveURL(/\/profile$/);
}
