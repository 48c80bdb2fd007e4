// Nothing a person writes is lost (issue 20), in the browser, in both JavaScript modes: a draft
// written while the session ended elsewhere is saved after logging in again on the same answer, and
// a save from a second tab over a post that changed is refused with what is there now. The same
// form posted twice, and two app instances, are covered at the HTTP level (tests/hardening/nothing-lost.test.ts).
import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { readPost, readUser } from "../kit/directus.ts";
import { dashboardUserId, endSessionElsewhere, newAccount, PASSWORD } from "../kit/index.ts";

async function logInToSave(page: Page, email: string) {
  await expect(page.getByRole("heading", { name: "Log in to save your work" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in and save" }).click();
}

function postIdFrom(page: Page): number {
  return Number(new URL(page.url()).pathname.match(/^\/posts\/(\d+)$/)?.[1]);
}

test("a new post and an edit written while the session ended are saved after logging in again", async ({ page }) => {
  const { email } = await newAccount(page);
  const title = `Draft ${randomUUID().slice(0, 8)}`;
  await page.goto("/posts/new");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Content").fill("Written while the session ended.");
  await endSessionElsewhere(page);
  await page.getByRole("button", { name: "Create post" }).click();
  await logInToSave(page, email);
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  const id = postIdFrom(page);
  expect((await readPost(id))?.content).toBe("Written while the session ended.");

  await page.goto(`/posts/${id}/edit`);
  await page.getByLabel("Content").fill("Edited while the session ended.");
  await endSessionElsewhere(page);
  await page.getByRole("button", { name: "Save" }).click();
  await logInToSave(page, email);
  await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));
  expect((await readPost(id))?.content).toBe("Edited while the session ended.");
});

test("a profile change made while the session ended is saved after logging in again", async ({ page }) => {
  const { email } = await newAccount(page);
  const id = await dashboardUserId(page);
  await page.goto("/profile");
  await page.getByLabel("First name").fill("Drafted");
  await endSessionElsewhere(page);
  await page.getByRole("button", { name: "Save profile" }).click();
  await logInToSave(page, email);
  await expect(page.getByText("Profile saved")).toBeVisible();
  expect((await readUser(id)).first_name).toBe("Drafted");
});

test("two pages editing one post: the later save is refused with what is there now, then saved on purpose", async ({ page }) => {
  await newAccount(page);
  await page.goto("/posts/new");
  await page.getByLabel("Title").fill("Two tabs");
  await page.getByLabel("Content").fill("Original");
  await page.getByRole("button", { name: "Create post" }).click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  const id = postIdFrom(page);

  const second = await page.context().newPage();
  await second.goto(`/posts/${id}/edit`);
  await page.goto(`/posts/${id}/edit`);
  await page.getByLabel("Content").fill("From the first tab");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));

  await second.getByLabel("Content").fill("From the second tab");
  await second.getByRole("button", { name: "Save" }).click();
  await expect(second.getByRole("alert")).toContainText("This post was changed since you opened it");
  await expect(second.getByText("From the first tab")).toBeVisible();
  await expect(second.getByLabel("Content")).toHaveValue("From the second tab");
  expect((await readPost(id))?.content).toBe("From the first tab");

  await second.getByRole("button", { name: "Save anyway" }).click();
  await expect(second).toHaveURL(new RegExp(`/posts/${id}$`));
  expect((await readPost(id))?.content).toBe("From the second tab");
});
