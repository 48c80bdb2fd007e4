import { expect, test, type Page } from "@playwright/test";
import { newAccount } from "../kit/index.ts";

/** The nonce in a document's CSP header, and every <script> tag of its HTML. */
async function scriptsAndNonce(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status()).toBe(200);
  const csp = response?.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  const html = (await response?.text()) ?? "";
  return { csp, nonce, scripts: html.match(/<script\b[^>]*>/g) ?? [], headers: response?.headers() ?? {} };
}

test("every script a page ships carries that response's CSP nonce, and nothing violates the policy", async ({ page, javaScriptEnabled }) => {
  // Collects violations the browser reports while pages hydrate and navigate (JavaScript on only).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });

  const nonces = new Set<string>();
  for (const path of ["/", "/login", "/register"]) {
    const { csp, nonce, scripts, headers } = await scriptsAndNonce(page, path);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBeTruthy();
    expect(headers["permissions-policy"]).toBeTruthy();
    expect(nonce, path).toBeTruthy();
    nonces.add(nonce!);
    expect(scripts.length, path).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, `${path}: ${tag}`).toContain(`nonce="${nonce}"`);
  }
  expect(nonces.size).toBe(3); // a fresh nonce per response

  await newAccount(page);
  const dashboard = await scriptsAndNonce(page, "/dashboard");
  for (const tag of dashboard.scripts) expect(tag).toContain(`nonce="${dashboard.nonce}"`);

  if (javaScriptEnabled) {
    // Hydrated and navigated client-side under the policy, with nothing blocked.
    await page.getByRole("link", { name: "New post" }).click();
    await expect(page).toHaveURL(/\/posts\/new$/);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  } else {
    // No script runs at all without JavaScript; the page still works through links and forms.
    await page.getByRole("link", { name: "New post" }).click();
    await expect(page).toHaveURL(/\/posts\/new$/);
  }
});
