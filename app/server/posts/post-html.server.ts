// A post's body as HTML: rendered once per version of its content and kept in a bounded cache, so a
// popular post is not re-rendered per view; a post the renderer refuses or fails on is shown as text.
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { renderMarkdown } from "./markdown.server.ts";

type Options = {
  render?: (markdown: string) => string;
  maxEntries?: number;
  /** Counted as two bytes per UTF-16 code unit: an upper bound on what V8 keeps for a string. */
  maxBytes?: number;
};

/** The content as it was written, escaped, in a <pre>: readable, and nothing in it is markup. */
export function asEscapedText(content: string): string {
  return `<pre class="markdown-as-text">${escapeHtml(content)}</pre>`;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

export function createPostHtml({ render = renderMarkdown, maxEntries = 500, maxBytes = 32 * 1024 * 1024 }: Options = {}) {
  const cache = new LRUCache<string, string>({ max: maxEntries, maxSize: maxBytes, sizeCalculation: (html) => Math.max(1, 2 * html.length) });
  return function postHtml(content: string): string {
    const key = createHash("sha256").update(content).digest("base64");
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    let html: string;
    try {
      html = render(content);
    } catch (error) {
      // Cached like any other result, so a post that defeats the renderer costs it once, and logs once.
      console.warn(`Post content shown as text: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      html = asEscapedText(content);
    }
    cache.set(key, html);
    return html;
  };
}

/** The app's one cache: at most 500 rendered posts and 32 MB. */
export const postHtml = createPostHtml();
