import { expect, test } from "@playwright/test";
import { dashboardUserId, logIn, logOut, mailbox, newAccount, register, SUBJECTS, submitRegistration, uniqueEmail, verificationLink } from "../kit/index.ts";
import { CLUSTER } from "./tags.ts";

// A session's renewal and idle timeout: lifetime.spec.ts.

test("register, see my id, log out, and the dashboard is closed again", CLUSTER, async ({ page }) => {
  const { email } = await register(page);
  await expect(page.getByText(email).first()).toBeVisible();
  expect(await dashboardUserId(page)).toMatch(/^[0-9a-f-]{36}$/);

  await logOut(page);
  await expect(page.getByRole("status")).toHaveText("You have been logged out");

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
  // The logged-out notice is shown once only.
  await expect(page.getByText("You have been logged out")).toHaveCount(0);
});

test("a wrong password shows the error, keeps the email and clears the password", async ({ page }) => {
  const { email } = await newAccount(page);
  await logOut(page);

  await logIn(page, email, "not the password");
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page).toHaveURL(/\/login$/);
});

test("after too many wrong passwords the login page says how long to wait, and keeps the email", async ({ page }) => {
  // Up to ten wrong logins, each padded by Directus (LOGIN_STALL_TIME).
  test.slow();
  // An address with no account is throttled like any other (nothing tells them apart).
  const email = uniqueEmail("throttled");
  await page.goto("/login");
  const alert = page.getByRole("alert");
  // However many the limit allows (LOGIN_FAILURES_PER_ACCOUNT_AND_IP, 10 by default): never 30.
  for (let attempt = 0; attempt < 30; attempt++) {
    await logIn(page, email, `not the password ${attempt}`);
    // The answer has arrived once the password input is empty again.
    await expect(page.getByLabel("Password")).toHaveValue("");
    if ((await alert.textContent())?.startsWith("Too many")) break;
    await expect(alert).toHaveText("Invalid email or password");
  }
  await expect(alert).toHaveText(/^Too many failed attempts\. Try again in \d+ (seconds|minutes)\.$/);
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page).toHaveURL(/\/login$/);
  // What the owner can do meanwhile (issue 30): a known browser, or a mailed link for this one.
  await expect(page.getByText("A browser you have logged in to this account with before is not held back")).toBeVisible();
  await page.getByRole("button", { name: "Email me a link to unlock this browser" }).click();
  await expect(page).toHaveURL(/\/login\/unlock$/);
  await expect(page.getByRole("status")).toContainText(`If ${email} belongs to an account, we have sent it a link.`);
});

test("logging in from a protected page returns to it", async ({ page }) => {
  const { email } = await newAccount(page);
  await logOut(page);

  await page.goto("/dashboard?page=1");
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  await logIn(page, email);
  await expect(page).toHaveURL(/\/dashboard\?page=1$/);
});

test("a hostile redirectTo lands on the dashboard instead", async ({ page }) => {
  const { email } = await newAccount(page);
  await logOut(page);
  await page.goto("/login?redirectTo=//evil.example/phish");
  await logIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("signed-in visitors opening /login or /register go to the dashboard", async ({ page }) => {
  await newAccount(page);
  await page.goto("/login");
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/register");
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("registering an address that has an account shows the same page as a new address, and mails nothing", async ({ page, browser }) => {
  const { email } = await register(page);
  const since = Date.now();
  const again = await browser.newPage();
  await submitRegistration(again, email);
  const taken = await again.locator("main").innerText();
  const fresh = uniqueEmail();
  const other = await browser.newPage();
  await submitRegistration(other, fresh);
  expect((await other.locator("main").innerText()).replaceAll(fresh, "ADDRESS")).toBe(taken.replaceAll(email, "ADDRESS"));
  // The fresh address's mail was sent after the second registration; none went to the taken one.
  await verificationLink(fresh, since);
  expect(await mailbox().messages(email, { subject: SUBJECTS.verify, since })).toEqual([]);
  await again.close();
  await other.close();
});

test("invalid input is answered inline, without a round trip to Directus", async ({ page }) => {
  await page.goto("/register");
  // With verification on the password is chosen at the link (account.spec.ts checks its rules there).
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await page.getByLabel("Email").fill("not-an-email");
  // Bypass the browser's own checks to see the server's answer.
  // The registration form, not a "Continue with …" button's.
  await page.locator("form", { has: page.getByLabel("Email") }).evaluate((form) => form.setAttribute("novalidate", ""));
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue("not-an-email");
  // Announced as a whole too: a field's own message is read only when that field is focused.
  await expect(page.getByRole("alert")).toHaveText("Please correct the highlighted fields.");
});

test("a copy of the session cookie is refused right after logout, long before it would expire", CLUSTER, async ({ page, browser }) => {
  await newAccount(page);
  const stolen = await page.context().cookies();
  expect(stolen.some((cookie) => cookie.httpOnly)).toBe(true);
  await logOut(page);

  const attacker = await browser.newContext();
  await attacker.addCookies(stolen);
  const attackerPage = await attacker.newPage();
  await attackerPage.goto("/dashboard");
  await expect(attackerPage).toHaveURL(/\/login/);
  await attacker.close();
});

test("the session cookie is HttpOnly and no token reaches the page", async ({ page }) => {
  await newAccount(page);
  const [cookie] = await page.context().cookies();
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  const html = await page.content();
  // A Directus access token is a JWT: three base64url parts starting with "eyJ".
  expect(html).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  expect(html).not.toContain(cookie?.value ?? "missing");
});

test("logging in is enhanced with JavaScript and a plain form post without it", async ({ page, javaScriptEnabled }) => {
  const { email } = await newAccount(page);
  await logOut(page);
  const documentPosts: string[] = [];
  const dataPosts: string[] = [];
  page.on("request", (request) => {
    if (request.method() !== "POST") return;
    (request.resourceType() === "document" ? documentPosts : dataPosts).push(new URL(request.url()).pathname);
  });
  await logIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  if (javaScriptEnabled) {
    // Submitted by React Router with fetch: no new document was loaded. Focusing the email field first
    // asked for the passkey autofill's challenge, and the login waited for that answer (passkey-sign-in.tsx).
    expect(documentPosts).toEqual([]);
    expect(dataPosts).toEqual(["/login/passkey.data", "/login.data"]);
  } else {
    expect(documentPosts).toEqual(["/login"]);
  }
});

test("opening /logout asks first, and its button logs out", async ({ page }) => {
  await newAccount(page);
  await page.goto("/logout");
  await expect(page.getByRole("heading", { name: "Log out?" })).toBeVisible();
  // Still signed in: a GET changes nothing.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/logout");
  await page.locator("main").getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("status")).toHaveText("You have been logged out");
});
