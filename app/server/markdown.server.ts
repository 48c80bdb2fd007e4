// Post content is Markdown written by any user, so it becomes HTML here, on the server, and only
// through an allow-list: whatever marked lets through (raw HTML included) is filtered again.
import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";

// A private instance, so no other module's marked.use() can change how posts render.
const marked = new Marked({ gfm: true });

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

export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown, { async: false }), sanitizeOptions);
}
