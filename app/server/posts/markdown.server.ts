// Post content is Markdown written by any user, so it becomes HTML here, on the server, within a
// work budget, and only through an allow-list: whatever markdown-it lets through (raw HTML
// included) is filtered again by sanitize-html. Why markdown-it and these numbers:
// docs/decisions/007-bounded-markdown.md.
import sanitizeHtml from "sanitize-html";
import { isAbsoluteHttpUrl, LINK_SCHEMES, MarkdownTooComplex, parseMarkdown } from "./markdown-parser.server.ts";

export { MarkdownTooComplex };

/**
 * What sanitize-html will take to read some HTML, in units: a tenth of a unit per character, one per
 * tag and per entity (it decodes and re-escapes them), and one more per tag of raw HTML (written in
 * the post; those cost it about twice markdown-it's own). The heaviest realistic posts at the content
 * limit cost about 36,000 (tests/unit/post-html.test.ts).
 */
export const MAX_SANITIZE_COST = 45_000;

export function sanitizeCost(html: string, rawHtmlTags: number): number {
  let marks = 0;
  for (let at = 0; at < html.length; at++) {
    const char = html.charCodeAt(at);
    if (char === 0x3c /* < */ || char === 0x26 /* & */) marks++;
  }
  return html.length / 10 + marks + rawHtmlTags;
}

const sanitizeOptions: sanitizeHtml.IOptions = {
  // sanitize-html finds a tag here with indexOf, for every tag it reads: the most frequent first
  // takes a fifth off its time on a long post.
  allowedTags: [
    "td", "tr", "p", "li", "a", "code", "em", "strong", "th", "br", "ul", "ol", "pre", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "img", "hr", "s", "del", "table", "thead", "tbody",
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
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // A relative image would make every reader's browser request a URL on this site; only absolute http(s) images load.
  transformTags: {
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      return { tagName, attribs: src && isAbsoluteHttpUrl(src) ? { src, ...rest } : rest };
    },
  },
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
};

/** Filters a renderer's HTML through the allow-list above. */
export function sanitizeRenderedHtml(html: string): string {
  return sanitizeHtml(html, sanitizeOptions);
}

/** Markdown to safe HTML; throws MarkdownTooComplex past the budget (and whatever a parser bug throws). */
export function renderMarkdown(markdown: string): string {
  const { html, rawHtmlTags } = parseMarkdown(markdown);
  // Without raw HTML every tag is markdown-it's own, every text and attribute escaped, and its links and
  // images already held to the allow-list (markdown-parser.server.ts): the sanitiser, about two thirds of
  // a long post's time, would change nothing, which tests/unit/markdown.test.ts checks (decision 021).
  if (rawHtmlTags === 0) return html;
  const cost = sanitizeCost(html, rawHtmlTags);
  if (cost > MAX_SANITIZE_COST) throw new MarkdownTooComplex(`sanitising would cost ${Math.round(cost)} units`);
  return sanitizeRenderedHtml(html);
}
