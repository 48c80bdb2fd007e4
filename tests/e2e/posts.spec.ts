import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createPostsAs, readPost } from "../kit/directus.ts";
import { logOut, newAccount, PASSWORD, sleep } from "../kit/index.ts";
import { CLUSTER } from "./tags.ts";

const tag = () => randomUUID().slice(0, 8);

/** The id in a /posts/<id> URL. */
function postIdFrom(page: Page): number {
  const match = new URL(page.url()).pathname.match(/^\/posts\/(\d+)$/);
  if (!match) throw new Error(`not on a post page: ${page.url()}`);
  return Number(match[1]);
}

// The shared test Directus holds every worker's posts, so a post may have been pushed past page 1
// by the time we look; walk the plain "Next page" links until it shows up.
async function findOnDashboard(page: Page, title: string, maxPages = 10) {
  await page.goto("/dashboard");
  for (let n = 1; n <= maxPages; n++) {
    const link = page.getByRole("listitem").getByRole("link", { name: title, exact: true });
    if ((await link.count()) > 0) return link;
    const next = page.getByRole("link", { name: "Next page" });
    if ((await next.count()) === 0) break;
    await toDashboardPage(page, n + 1);
  }
  throw new Error(`"${title}" is not listed on the dashboard`);
}

/** Follows "Next page" to page `n`, and waits until page n is what the document shows. */
async function toDashboardPage(page: Page, n: number) {
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(new RegExp(`/dashboard\\?page=${n}$`));
  // With JavaScript the address can change before the new page renders: wait for page n's own link back.
  await expect(page.getByRole("link", { name: "Previous page" })).toHaveAttribute("href", n === 2 ? "/dashboard" : `/dashboard?page=${n - 1}`);
}

/** Waits until React has taken over the element: hydration attaches its fiber to the DOM node. */
async function waitForHydration(page: Page, selector: string) {
  await page.waitForFunction((css) => {
    const element = document.querySelector(css);
    return !!element && Object.keys(element).some((key) => key.startsWith("__reactFiber$"));
  }, selector);
}

async function createPost(page: Page, title: string, content: string) {
  await page.goto("/posts/new");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Content").fill(content);
  await page.getByRole("button", { name: "Create post" }).click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  return postIdFrom(page);
}

test("create, list, edit and delete a post, with Directus holding what the pages show", CLUSTER, async ({ page }) => {
  const { email } = await newAccount(page);
  const title = `Hello ${tag()}`;

  await page.getByRole("link", { name: "New post" }).click();
  await expect(page).toHaveURL(/\/posts\/new$/);
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Content").fill("Some **bold** words.");
  await page.getByRole("button", { name: "Create post" }).click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  const id = postIdFrom(page);

  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.locator(".markdown strong")).toHaveText("bold");
  await expect(page.getByText(`By ${email}`)).toBeVisible();
  await expect(page.locator("article time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);
  await expect(page.getByRole("link", { name: "Edit" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Delete" })).toBeVisible();
  expect((await readPost(id))?.title).toBe(title);

  const listed = await findOnDashboard(page, title);
  await expect(listed).toHaveAttribute("href", `/posts/${id}`);
  await listed.click();
  await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));

  // Edit: the same form, filled in.
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page).toHaveURL(new RegExp(`/posts/${id}/edit$`));
  await expect(page.getByLabel("Title")).toHaveValue(title);
  await expect(page.getByLabel("Content")).toHaveValue("Some **bold** words.");
  const newTitle = `Renamed ${tag()}`;
  await page.getByLabel("Title").fill(newTitle);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(newTitle);
  const stored = await readPost(id);
  expect(stored?.title).toBe(newTitle);
  expect(stored?.content).toBe("Some **bold** words.");

  // Delete through the confirm page.
  await page.getByRole("link", { name: "Delete" }).click();
  await expect(page).toHaveURL(new RegExp(`/posts/${id}/delete$`));
  await expect(page.getByRole("heading", { name: "Delete this post?" })).toBeVisible();
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("status")).toHaveText("Post deleted");
  expect(await readPost(id)).toBeNull();
  // The message is shown once only.
  await page.reload();
  await expect(page.getByRole("heading", { name: /^Welcome/ })).toBeVisible();
  await expect(page.getByText("Post deleted")).toHaveCount(0);
  // And the post's page is gone.
  const gone = await page.goto(`/posts/${id}`);
  expect(gone?.status()).toBe(404);
});

/** What the sanitiser must never let into a post's body, whatever the renderer made of the content. */
function unsafeMarkup(html: string): string[] {
  return [
    ...(html.match(/<(script|iframe|object|embed|svg|style)\b/gi) ?? []),
    ...(html.match(/\son[a-z]+\s*=/gi) ?? []),
    ...(html.match(/(href|src)\s*=\s*["']?\s*javascript:/gi) ?? []),
  ];
}

/** The served document's post body: what the server's Markdown renderer and sanitiser produced. */
function servedPostBody(html: string): string {
  const start = html.indexOf('<div class="markdown">');
  const end = html.indexOf('<p><a href="/dashboard"', start);
  if (start === -1 || end === -1) throw new Error(`no post body in the page:\n${html.slice(0, 500)}`);
  return html.slice(start, end);
}

async function hostileMarkdownRendersSafely(page: Page, javaScriptEnabled: boolean) {
  await newAccount(page);
  const content = [
    "Before the script.",
    "",
    "<script>window.__pwned=1</script>",
    "",
    '<img src=x onerror="window.__pwned=1">',
    "",
    "[x](javascript:window.__pwned=1)",
    "",
    'Inline <a href="javascript:window.__pwned=1" onmouseover="window.__pwned=1">raw link</a> and <svg onload="window.__pwned=1"></svg>.',
    "",
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "",
    "After **all** of it.",
  ].join("\n");
  const id = await createPost(page, `XSS ${tag()}`, content);

  // The harmless parts render, so the body really is the post's content.
  await expect(page.locator(".markdown")).toContainText("Before the script.");
  await expect(page.locator(".markdown strong")).toHaveText("all");
  await expect(page.locator(".markdown")).toContainText("raw link");
  await expect(page.locator(".markdown script")).toHaveCount(0);
  await expect(page.locator("[onerror], [onload], [onmouseover]")).toHaveCount(0);
  await expect(page.locator('[href^="javascript:" i]')).toHaveCount(0);
  await expect(page.locator(".markdown a[href]")).toHaveCount(0);
  expect(unsafeMarkup(await page.locator(".markdown").innerHTML())).toEqual([]);
  // The HTML the server sent, before any script could touch it: the sanitiser's output itself.
  const served = await page.request.get(`/posts/${id}`, { maxRedirects: 0 });
  expect(served.status()).toBe(200);
  const html = await served.text();
  expect(servedPostBody(html)).toContain("Before the script.");
  expect(unsafeMarkup(servedPostBody(html))).toEqual([]);
  // Nor anywhere else in the document, e.g. in the hydration data.
  expect(html).not.toContain("<script>window.__pwned");
  expect(html).not.toMatch(/\son(error|load|mouseover)\s*=/i);

  const link = page.locator(".markdown a", { hasText: "raw link" });
  if ((await link.count()) > 0) await link.first().click();
  if (javaScriptEnabled) {
    await sleep(300);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  }
  // Clicking the defused link goes nowhere.
  await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));
}

test("hostile Markdown renders without scripts, event handlers or javascript: links", async ({ page, javaScriptEnabled }) => {
  await hostileMarkdownRendersSafely(page, javaScriptEnabled);
});

test.describe("with the browser ignoring the Content-Security-Policy", () => {
  // The CSP would block an injected script even if sanitising failed; without it, only the sanitiser stands.
  test.use({ bypassCSP: true });

  test("hostile Markdown still renders without scripts, event handlers or javascript: links", async ({ page, javaScriptEnabled }) => {
    await hostileMarkdownRendersSafely(page, javaScriptEnabled);
  });
});

/** The WCAG contrast ratio of two opaque colours given as [r, g, b] (0–255). */
function contrastRatio(a: number[], b: number[]): number {
  const luminance = (rgb: number[]) => {
    const [r, g, b] = rgb.map((value) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** How an element's text is set: its computed style, and the colours it is drawn in (translucent backgrounds laid over what is behind them). */
async function textStyle(page: Page, selector: string) {
  return page.locator(selector).first().evaluate((element) => {
    const rgba = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number).concat(1).slice(0, 4);
    // Back to front: each ancestor's background under the ones in front of it, over a white canvas.
    const layers: HTMLElement[] = [];
    for (let node: HTMLElement | null = element as HTMLElement; node; node = node.parentElement) layers.unshift(node);
    let background = [255, 255, 255];
    for (const layer of layers) {
      const [r, g, b, a] = rgba(getComputedStyle(layer).backgroundColor);
      background = [r! * a! + background[0]! * (1 - a!), g! * a! + background[1]! * (1 - a!), b! * a! + background[2]! * (1 - a!)];
    }
    const style = getComputedStyle(element);
    const parentBackground = getComputedStyle(element.parentElement!).backgroundColor;
    return {
      fontFamily: style.fontFamily,
      fontSize: parseFloat(style.fontSize),
      overflowX: style.overflowX,
      padding: parseFloat(style.paddingLeft),
      ownBackground: style.backgroundColor !== "rgba(0, 0, 0, 0)" && style.backgroundColor !== parentBackground,
      color: rgba(style.color).slice(0, 3),
      background,
      scrolls: element.scrollWidth > element.clientWidth,
      pageScrollsSideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    };
  });
}

test("code in a post is readable: monospace, at least 14px, on a background of its own, long lines scroll inside the block", async ({ page }) => {
  const { email } = await newAccount(page);
  const longLine = `const total = ${Array.from({ length: 40 }, (_, i) => `item${i}.price`).join(" + ")};`;
  const content = ["Run `npm test` before you push.", "", "```js", longLine, "console.log(total);", "```"].join("\n");
  const [id] = await createPostsAs(email, PASSWORD, [{ title: `Code ${tag()}`, content }]);

  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto(`/posts/${id}`);
    await expect(page.locator(".markdown pre code")).toContainText("console.log(total);");

    const block = await textStyle(page, ".markdown pre");
    const blockText = await textStyle(page, ".markdown pre code");
    expect(block.fontFamily, colorScheme).toMatch(/monospace/);
    expect(blockText.fontSize, colorScheme).toBeGreaterThanOrEqual(14);
    expect(block.padding, colorScheme).toBeGreaterThan(0);
    expect(block.ownBackground, colorScheme).toBe(true);
    expect(block.overflowX, colorScheme).toBe("auto");
    expect(block.scrolls, colorScheme).toBe(true);
    expect(block.pageScrollsSideways, colorScheme).toBe(false);
    expect(contrastRatio(blockText.color, blockText.background), colorScheme).toBeGreaterThanOrEqual(4.5);

    const inline = await textStyle(page, ".markdown p code");
    expect(inline.fontFamily, colorScheme).toMatch(/monospace/);
    expect(inline.fontSize, colorScheme).toBeGreaterThanOrEqual(14);
    expect(inline.ownBackground, colorScheme).toBe(true);
    expect(contrastRatio(inline.color, inline.background), colorScheme).toBeGreaterThanOrEqual(4.5);
  }
});

test("another user reads the post without Edit or Delete, and crafted writes are refused", async ({ page, baseURL }) => {
  const owner = await newAccount(page);
  const title = `Owner's post ${tag()}`;
  const [id] = await createPostsAs(owner.email, PASSWORD, [{ title, content: "Mine." }]);
  await logOut(page);
  await newAccount(page);

  await page.goto(`/posts/${id}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.locator(".markdown")).toHaveText("Mine.");
  await expect(page.getByText("By Another user")).toBeVisible();
  await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Delete" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);

  const edit = await page.request.post(`/posts/${id}/edit`, {
    form: { title: "hacked", content: "" },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(edit.status()).toBe(403);
  expect(await edit.text()).toMatch(/You can(&#x27;|’|')t change this post/);

  const del = await page.request.post(`/posts/${id}/delete`, { form: {}, headers: { Origin: baseURL! }, maxRedirects: 0 });
  expect(del.status()).toBe(403);

  const stored = await readPost(id!);
  expect(stored?.title).toBe(title);
  expect(stored?.content).toBe("Mine.");

  const editPage = await page.goto(`/posts/${id}/edit`);
  expect(editPage?.status()).toBe(403);
  await expect(page.getByRole("alert")).toHaveText("You can't change this post");
  await expect(page.getByLabel("Title")).toHaveCount(0);

  const deletePage = await page.goto(`/posts/${id}/delete`);
  expect(deletePage?.status()).toBe(403);
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
});

test("the dashboard pages through posts newest first with plain links", async ({ page }) => {
  const { email } = await newAccount(page);
  const prefix = `Paged ${tag()}`;
  const titles = Array.from({ length: 25 }, (_, i) => `${prefix} #${String(i + 1).padStart(2, "0")}`);
  const ids = await createPostsAs(email, PASSWORD, titles.map((title) => ({ title })));
  const newestFirst = [...titles].reverse();

  // Other workers add and delete posts meanwhile; a walk that raced one of them is simply retried.
  await expect(async () => {
    await page.goto("/dashboard");
    await expect(page.getByRole("link", { name: "Previous page" })).toHaveCount(0);
    const seen: string[] = [];
    for (let n = 1; n <= 20 && seen.length < titles.length; n++) {
      if (n > 1) {
        // A post deleted meanwhile shifts ours up a page: the last page then comes before we saw all
        // 25. Stop there (the check below fails and the walk is retried) instead of waiting on a link.
        if ((await page.getByRole("link", { name: "Next page" }).count()) === 0) break;
        await toDashboardPage(page, n);
      }
      const items = page.locator(".post-list > li > a");
      const onPage = await items.allInnerTexts();
      // Every page but the last is full; at least 25 posts exist, so the first two are.
      if (n <= 2) expect(onPage).toHaveLength(10);
      else expect(onPage.length).toBeLessThanOrEqual(10);
      for (const text of onPage) if (text.startsWith(prefix) && !seen.includes(text)) seen.push(text);
    }
    expect(seen).toEqual(newestFirst);
  }).toPass({ timeout: 45_000 });

  // Each title links to its post.
  const newest = page.getByRole("link", { name: titles[0], exact: true });
  await expect(newest).toHaveAttribute("href", `/posts/${ids[0]}`);

  // Page 3 is reachable by address too, and "Previous page" walks back to the first page.
  await page.goto("/dashboard?page=3");
  await expect(page.locator(".post-list > li")).not.toHaveCount(0);
  await page.getByRole("link", { name: "Previous page" }).click();
  await expect(page).toHaveURL(/\/dashboard\?page=2$/);
  await expect(page.locator(".post-list > li")).toHaveCount(10);
  await page.getByRole("link", { name: "Previous page" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.locator(".post-list > li")).toHaveCount(10);
  await expect(page.getByRole("link", { name: "Previous page" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Next page" })).toBeVisible();

  // Far past the last post: the empty state, and no way further.
  await page.goto("/dashboard?page=99999");
  await expect(page.getByText("No posts on this page.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Next page" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Previous page" })).toHaveAttribute("href", "/dashboard?page=99998");
  await expect(page.getByRole("link", { name: "New post" })).toHaveAttribute("href", "/posts/new");
});

test("a missing or malformed post address is a 404 page", async ({ page }) => {
  await newAccount(page);
  for (const path of ["/posts/999999", "/posts/abc"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
});

test("creating a post shows a pending button with JavaScript and is a plain form post without it", async ({ page, javaScriptEnabled }) => {
  await newAccount(page);
  const documentPosts: string[] = [];
  const dataPosts: string[] = [];
  page.on("request", (request) => {
    if (request.method() !== "POST") return;
    (request.resourceType() === "document" ? documentPosts : dataPosts).push(new URL(request.url()).pathname);
  });
  // Hold the enhanced submission for a moment so its pending state can be seen.
  await page.route("**/posts/new.data", async (route) => {
    if (route.request().method() === "POST") await sleep(1_500);
    await route.continue();
  });

  const title = `Pending ${tag()}`;
  await page.goto("/posts/new");
  // A click before React has hydrated the form would be a plain form post even with JavaScript.
  if (javaScriptEnabled) await waitForHydration(page, "form[method=post]:has(textarea)");
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: "Create post" }).click();
  if (javaScriptEnabled) {
    const pending = page.getByRole("button", { name: "Creating…" });
    await expect(pending).toBeDisabled();
    await expect(pending).toHaveAttribute("aria-busy", "true");
  }
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  if (javaScriptEnabled) {
    expect(documentPosts).toEqual([]);
    expect(dataPosts).toEqual(["/posts/new.data"]);
  } else {
    expect(documentPosts).toEqual(["/posts/new"]);
    expect(dataPosts).toEqual([]);
  }
});
