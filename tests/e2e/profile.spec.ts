import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { limits } from "../../app/lib/limits.ts";
import { readUser } from "../kit/directus.ts";
import { dashboardUserId, newAccount } from "../kit/index.ts";

test("changing my name shows it in the header at once, after a reload, and in Directus", async ({ page }) => {
  const { email } = await newAccount(page);
  const id = await dashboardUserId(page);
  const header = page.getByRole("navigation", { name: "Account" });
  await expect(header.getByRole("link", { name: email })).toBeVisible();

  await header.getByRole("link", { name: email }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
  await expect(page.getByRole("main").getByText(email)).toBeVisible();
  await expect(page.getByLabel("First name")).toHaveValue("");

  const first = `Ada${randomUUID().slice(0, 4)}`;
  await page.getByLabel("First name").fill(first);
  await page.getByLabel("Last name").fill("Lovelace");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status")).toHaveText("Profile saved");
  await expect(header.getByRole("link", { name: `${first} Lovelace` })).toBeVisible();
  await expect(header.getByRole("link", { name: email })).toHaveCount(0);

  const stored = await readUser(id);
  expect(stored.first_name).toBe(first);
  expect(stored.last_name).toBe("Lovelace");
  expect(stored.email).toBe(email);

  // A fresh visit (a reload would re-send the form post without JavaScript).
  await page.goto("/profile");
  await expect(page.getByLabel("First name")).toHaveValue(first);
  await expect(page.getByLabel("Last name")).toHaveValue("Lovelace");
  await expect(header.getByRole("link", { name: `${first} Lovelace` })).toBeVisible();
  // The saved notice belonged to the save, not to the page.
  await expect(page.getByText("Profile saved")).toHaveCount(0);

  // Clearing the names falls back to the email in the header and stores null.
  await page.getByLabel("First name").fill("");
  await page.getByLabel("Last name").fill("");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status")).toHaveText("Profile saved");
  await expect(header.getByRole("link", { name: email })).toBeVisible();
  expect((await readUser(id)).first_name).toBeNull();
});

test(`a first name over ${limits.nameMax} characters is refused inline and the input keeps it`, async ({ page }) => {
  await newAccount(page);
  const id = await dashboardUserId(page);
  await page.goto("/profile");
  const tooLong = "a".repeat(limits.nameMax + 1);
  // Bypass the input's own maxlength to see the server's answer.
  await page.getByLabel("First name").evaluate((input) => input.removeAttribute("maxlength"));
  await page.getByLabel("First name").fill(tooLong);
  await page.getByLabel("Last name").fill("Valid");
  await page.getByRole("button", { name: "Save profile" }).click();

  await expect(page.getByText(`Must be at most ${limits.nameMax} characters`)).toBeVisible();
  await expect(page.getByLabel("First name")).toHaveValue(tooLong);
  await expect(page.getByLabel("First name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Last name")).toHaveValue("Valid");
  await expect(page.getByText("Profile saved")).toHaveCount(0);
  await expect(page).toHaveURL(/\/profile$/);

  const stored = await readUser(id);
  expect(stored.first_name).toBeNull();
  expect(stored.last_name).toBeNull();
});
