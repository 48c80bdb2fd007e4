import { beforeEach, describe, expect, it, vi } from "vitest";
import { createPostHtml, postHtml } from "#app/server/posts/post-html.server.ts";
import { MAX_LINES, MAX_WORK, parseMarkdown } from "#app/server/posts/markdown-parser.server.ts";
import { MAX_SANITIZE_COST, MarkdownTooComplex, renderMarkdown, sanitizeCost } from "#app/server/posts/markdown.server.ts";
import { buildCorpus, corpus, realisticPosts } from "../../scripts/lib/markdown-corpus.mjs";

describe("postHtml", () => {
  // A post shown as text is logged; the tests expect it.
  beforeEach(() => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });

  it("renders a post's Markdown", () => {
    expect(postHtml("**bold**")).toBe("<p><strong>bold</strong></p>\n");
  });

  it("renders each version of a post once, then serves it from the cache", () => {
    const render = vi.fn((markdown: string) => `<p>${markdown}</p>`);
    const html = createPostHtml({ render });
    expect(html("one")).toBe("<p>one</p>");
    expect(html("one")).toBe("<p>one</p>");
    expect(html("two")).toBe("<p>two</p>");
    expect(render).toHaveBeenCalledTimes(2);
  });

  it("keeps at most maxEntries versions", () => {
    const render = vi.fn((markdown: string) => markdown);
    const html = createPostHtml({ render, maxEntries: 2 });
    for (const content of ["a", "b", "c", "a"]) html(content);
    expect(render).toHaveBeenCalledTimes(4);
  });

  it("shows the post as escaped text when the renderer throws, stack overflows included", () => {
    const html = createPostHtml({
      render: () => {
        const recurse = (n: number): number => recurse(n + 1) + 1;
        return String(recurse(0));
      },
    });
    expect(html('<script>alert("x")</script>\n& more')).toBe(
      '<pre class="markdown-as-text">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\n&amp; more</pre>',
    );
  });

  // About 70 posts at the content limit: seconds, not milliseconds, on a busy 2-core machine.
  it("renders every hostile corpus item without throwing, as Markdown or as escaped text", { timeout: 60_000 }, () => {
    for (const { name, text } of buildCorpus()) {
      const html = postHtml(text);
      expect(typeof html, name).toBe("string");
      expect(html, name).not.toMatch(/<script|\son\w+=|javascript:/i);
    }
  });

  it("refuses the shapes that were slow by counting the parser's work, not by the clock, so every reader sees the same", () => {
    for (const name of ["underscore pairs `_a`", "star pairs `*a`", "wide table, empty rows", "inline comments never closed `x<!--`", "html blocks `<div>`"]) {
      const content = corpus[name]!();
      expect(() => renderMarkdown(content), name).toThrow(MarkdownTooComplex);
      expect(postHtml(content), name).toMatch(/^<pre class="markdown-as-text">/);
    }
  });

  // markdown-it sets up five arrays of line offsets before any rule runs, so a post of many short or
  // empty lines cost up to 55 ms before the work budget could see it (issue 21).
  it("refuses a post of more lines than a person writes before parsing it", () => {
    for (const name of ["empty lines", "short lines", "setext headings", "hard breaks"]) {
      const content = corpus[name]!();
      expect(() => parseMarkdown(content), name).toThrow(/lines/);
      expect(postHtml(content), name).toMatch(/^<pre class="markdown-as-text">/);
    }
    expect(parseMarkdown("a\n".repeat(MAX_LINES - 1)).html).toContain("<p>a");
    expect(() => parseMarkdown("a\n".repeat(MAX_LINES + 1))).toThrow(MarkdownTooComplex);
  });

  it("keeps its budget a quarter above the heaviest posts a person could write at the limit", () => {
    for (const [name, make] of Object.entries(realisticPosts)) {
      const { html, work, rawHtmlTags } = parseMarkdown(make());
      expect(work, name).toBeLessThan(MAX_WORK * 0.8);
      expect(make().split("\n").length, name).toBeLessThan(MAX_LINES * 0.8);
      expect(sanitizeCost(html, rawHtmlTags), name).toBeLessThan(MAX_SANITIZE_COST * 0.8);
    }
  });

  it("renders posts a person could write at the limit as Markdown, not as text", () => {
    for (const [name, make] of Object.entries(realisticPosts)) {
      const html = postHtml(make());
      expect(html, name).not.toContain("markdown-as-text");
      expect(html, name).toMatch(/^<(h2|table|pre|ul|p)\b/);
    }
  });
});
