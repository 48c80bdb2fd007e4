// Post content is Markdown written by any user, so it becomes HTML here, on the server, within a
// work budget, and only through an allow-list: whatever markdown-it lets through (raw HTML
// included) is filtered again by sanitize-html. Why markdown-it and these numbers:
// docs/decisions/007-bounded-markdown.md.
import sanitizeHtml from "sanitize-html";
import { MarkdownTooComplex, parseMarkdown } from "./markdown-parser.server.ts";

export { MarkdownTooComplex };

// sanitize-html's time follows the characters and the tags it is given. The heaviest realistic posts
// at the content limit make about 190,000 characters and 17,000 tags (tests/unit/post-html.test.ts).
export const MAX_HTML = 250_000;
export const MAX_TAGS = 25_000;

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
    "strong", "em", "del", "s", "code", "pre", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
  ],
  allowedAttributes: {
    a: ["href", "title"],
    img: ["src", "alt", "title"],
    ol: ["start"],
    th: ["align"],
    td: ["align"],
  },
  // Keeps the language hint of fenced code blocks and nothing else.
  allowedClasses: { code: ["language-*"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // A relative image would make every reader's browser request a URL on this site; only absolute http(s) images load.
  transformTags: {
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      return { tagName, attribs: src && /^https?:\/\//i.test(src) ? { src, ...rest } : rest };
    },
  },
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
};

/** Filters a renderer's HTML through the allow-list above. */
export function sanitizeRenderedHtml(html: string): string {
  return sanitizeHtml(html, sanitizeOptions);
}

function countTags(html: string): number {
  let tags = 0;
  for (let at = html.indexOf("<"); at !== -1; at = html.indexOf("<", at + 1)) tags++;
  return tags;
}

/** Markdown to safe HTML; throws MarkdownTooComplex past the budget (and whatever a parser bug throws). */
export function renderMarkdown(markdown: string): string {
  const html = parseMarkdown(markdown);
  if (html.length > MAX_HTML) throw new MarkdownTooComplex(`${html.length} characters of HTML`);
  const tags = countTags(html);
  if (tags > MAX_TAGS) throw new MarkdownTooComplex(`${tags} tags of HTML`);
  return sanitizeRenderedHtml(html);
}
