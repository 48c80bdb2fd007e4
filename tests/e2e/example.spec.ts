import { expect, test, SUBJECTS, uniqueEmail, PASSWORD } from "../kit/index.ts";

test("sign up, confirm by mail, sign in with two-factor, write a post", async ({ page, mailbox, directus, totp }) => {
  const email = uniqueEmail("reader");
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Register" }).click();
  await page.goto(await mailbox.link(email, { subject: SUBJECTS.verify, path: "/verify-email" }));
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Repeat the password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm and save the password" }).click();
  await page.getByRole("button", { name: "Log out" }).click();
  const secret = await directus.enableTwoFactor(email, PASSWORD); // as the profile page would
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByLabel("Six-digit code").fill(await totp.code(secret));
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/posts/new");
  await page.getByLabel("Title").fill("My first post");
  await page.getByRole("button", { name: "Create post" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My first post");
});
