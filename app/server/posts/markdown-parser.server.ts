// The Markdown parser for posts: markdown-it, configured so that no input within the content limit
// can keep it busy for long (docs/decisions/007-bounded-markdown.md). It counts its own work and
// gives up with MarkdownTooComplex past a budget, which the caller turns into the post shown as text.
import MarkdownIt from "markdown-it";
import { HTML_TAG_RE } from "markdown-it/lib/common/html_re.mjs";
import type StateBlock from "markdown-it/lib/rules_block/state_block.mjs";
import type StateInline from "markdown-it/lib/rules_inline/state_inline.mjs";

/** Thrown when a post would cost more to render than any post a person writes. */
export class MarkdownTooComplex extends Error {
  override name = "MarkdownTooComplex";
}

/**
 * Tokens made plus positions the parsers tried a rule at: what markdown-it's time follows. The
 * heaviest realistic posts at the content limit take about 40,000 (tests/unit/post-html.test.ts).
 */
export const MAX_WORK = 50_000;
/**
 * Lines a post may have: markdown-it sets up five arrays of line offsets before any rule (or the work
 * budget) runs, which cost up to 55 ms for 100,000 empty lines. The realistic posts at the content
 * limit have at most about 4,600 (an article); this is ten characters a line at the limit.
 */
export const MAX_LINES = 10_000;
/** Raw HTML inline is only recognised within this many characters, so a tag that never closes is not scanned to the end of the post for every `<`. */
const INLINE_HTML_WINDOW = 128;
/** What one look for inline HTML costs, in units of work: a regular expression over the window. */
const INLINE_HTML_WORK = 4;
/** What normalising one link costs (URL parsing, punycode): several times a plain token. */
const LINK_WORK = 4;

// The work of the parse under way: parseMarkdown runs synchronously, so there is only ever one parse.
let work = 0;

function spend(units = 1) {
  work += units;
  if (work > MAX_WORK) throw new MarkdownTooComplex(`more than ${MAX_WORK} units of work`);
}

// maxNesting bounds the depth of quotes, lists and inline markup (deeper content is dropped), and so
// the recursion and the depth of the HTML. Bare URLs stay text (linkify): finding them cost the most
// time per character of any rule. (maxNesting is missing from the type definitions, hence the variable.)
// xhtmlOut: void elements written as sanitize-html writes them (`<br />`), so both paths give the same HTML.
const options = { html: true, linkify: false, maxNesting: 20, xhtmlOut: true };
const markdown = new MarkdownIt(options);

class BlockState extends markdown.block.State {
  override push(...args: Parameters<StateBlock["push"]>) {
    spend();
    return super.push(...args);
  }
}
class InlineState extends markdown.inline.State {
  override push(...args: Parameters<StateInline["push"]>) {
    spend();
    return super.push(...args);
  }
}
markdown.block.State = BlockState;
markdown.inline.State = InlineState;
// Every line and every position a rule is tried at costs a unit, so work that makes no token is paid for too.
markdown.block.ruler.before("table", "budget", () => (spend(), false));
markdown.inline.ruler.before("text", "budget", () => (spend(), false));
for (const name of ["normalizeLink", "normalizeLinkText"] as const) {
  const normalize = markdown[name].bind(markdown);
  markdown[name] = (url) => (spend(LINK_WORK), normalize(url));
}

// markdown-it's own rule matches a tag against the whole rest of the post, once per `<`: quadratic
// for `<!--` or `<?` that never close. This one looks within a window, otherwise the same.
markdown.inline.ruler.at("html_inline", (state, silent) => {
  const { pos, src } = state;
  if (src.charCodeAt(pos) !== 0x3c /* < */ || pos + 2 >= state.posMax || !/[!?/A-Za-z]/.test(src[pos + 1]!)) return false;
  spend(INLINE_HTML_WORK);
  const tag = HTML_TAG_RE.exec(src.slice(pos, Math.min(state.posMax, pos + INLINE_HTML_WINDOW)))?.[0];
  if (!tag) return false;
  if (!silent) {
    state.push("html_inline", "", 0).content = tag;
    // As markdown-it does: no Markdown link inside a raw <a> (linkLevel is missing from the type definitions).
    const links = state as StateInline & { linkLevel: number };
    if (/^<a[>\s]/i.test(tag)) links.linkLevel++;
    if (/^<\/a\s*>/i.test(tag)) links.linkLevel--;
  }
  state.pos += tag.length;
  return true;
});

// Raw HTML the sanitiser will read: its tags cost sanitize-html about twice what markdown-it's own do.
// Without any, the caller skips the sanitiser (markdown.server.ts), so nested children are counted too.
let rawHtmlTags = 0;
markdown.core.ruler.push("count_raw_html", (state) => {
  const count = (html: string) => html.split("<").length - 1;
  const visit = (tokens: typeof state.tokens) => {
    for (const token of tokens) {
      if (token.type === "html_block" || token.type === "html_inline") rawHtmlTags += Math.max(1, count(token.content));
      if (token.children) visit(token.children);
    }
  };
  visit(state.tokens);
});

// The allow-list's rules for links and images (markdown.server.ts), applied by the renderer itself so
// that markdown-it's own HTML already keeps them. A link keeps its href only with an allowed scheme or
// none (and not protocol-relative), tested as sanitize-html tests it (its `launder` dependency): after
// dropping the characters browsers ignore in URLs.
/** The schemes a link may have; sanitize-html's allow-list uses the same (markdown.server.ts). */
export const LINK_SCHEMES = ["http", "https", "mailto"];
/** An image loads only from an absolute http(s) URL, in both paths. */
export const isAbsoluteHttpUrl = (url: string) => /^https?:\/\//i.test(url);
function allowedHref(href: string): boolean {
  // eslint-disable-next-line no-control-regex
  const clean = href.replace(/[\x00-\x20]+/g, "");
  const scheme = /^([a-zA-Z][a-zA-Z0-9.\-+]*):/.exec(clean)?.[1];
  return scheme ? LINK_SCHEMES.includes(scheme.toLowerCase()) : !/^[/\\]{2}/.test(clean);
}
markdown.renderer.rules.link_open = (tokens, index, opts, _env, self) => {
  const token = tokens[index]!;
  if (!allowedHref(token.attrGet("href") ?? "")) token.attrs = (token.attrs ?? []).filter(([name]) => name !== "href");
  return self.renderToken(tokens, index, opts);
};
// Only absolute http(s) images load: a relative one would make every reader's browser request a URL on
// this site. Any other image is left out, alt text and all, as the sanitiser leaves it out.
const renderImage = markdown.renderer.rules.image!;
markdown.renderer.rules.image = (tokens, index, opts, env, self) =>
  isAbsoluteHttpUrl(tokens[index]!.attrGet("src") ?? "") ? renderImage(tokens, index, opts, env, self) : "";

// markdown-it aligns table cells with a style attribute, which the CSP would block; the allow-list keeps align.
markdown.core.ruler.push("table_align", (state) => {
  for (const token of state.tokens) {
    if (token.type !== "th_open" && token.type !== "td_open") continue;
    const align = /^text-align:(left|right|center)$/.exec(token.attrGet("style") ?? "")?.[1];
    token.attrs = align ? [["align", align]] : null;
  }
});

export type Parsed = {
  /** Not yet sanitised. */
  html: string;
  /** The units of work the parse spent, at most MAX_WORK. */
  work: number;
  /** Tags of raw HTML in it, written in the post rather than made by markdown-it. */
  rawHtmlTags: number;
};

/** Markdown to HTML, or MarkdownTooComplex past the budget. */
export function parseMarkdown(source: string): Parsed {
  let lines = 1;
  for (let at = source.indexOf("\n"); at !== -1; at = source.indexOf("\n", at + 1)) {
    if (++lines > MAX_LINES) throw new MarkdownTooComplex(`more than ${MAX_LINES} lines`);
  }
  work = 0;
  rawHtmlTags = 0;
  const env = {};
  const html = markdown.renderer.render(markdown.parse(source, env), markdown.options, env);
  return { html, work, rawHtmlTags };
}
