import sanitizeHtml from "sanitize-html";
import { describe, it, expect } from "vitest";
import { parseMarkdown } from "#app/server/posts/markdown-parser.server.ts";
import { renderMarkdown, sanitizeRenderedHtml } from "#app/server/posts/markdown.server.ts";
import { buildCorpus, fuzzCases, realisticPosts } from "../../scripts/lib/markdown-corpus.mjs";

describe("renderMarkdown", () => {
  it("renders formatting", () => {
    expect(renderMarkdown("**bold** and _em_")).toBe("<p><strong>bold</strong> and <em>em</em></p>\n");
  });

  it("keeps the GFM features posts use: tables with alignment, strikethrough, fenced code", () => {
    const table = renderMarkdown("| a | b |\n| :- | -: |\n| 1 | 2 |");
    for (const cell of ['<th align="left">a</th>', '<th align="right">b</th>', '<td align="left">1</td>', '<td align="right">2</td>']) {
      expect(table).toContain(cell);
    }
    expect(renderMarkdown("~~gone~~")).toMatch(/^<p><(s|del)>gone<\/(s|del)><\/p>\n$/);
    expect(renderMarkdown("```js\nlet a = 1 < 2;\n```")).toBe('<pre><code class="language-js">let a = 1 &lt; 2;\n</code></pre>\n');
  });

  it("drops script elements with their content", () => {
    expect(renderMarkdown("<script>alert(1)</script>")).toBe("");
    expect(renderMarkdown("before\n\n<script>alert(1)</script>\n\nafter")).toMatch(/^<p>before<\/p>\n+<p>after<\/p>\n$/);
  });

  it("drops style, iframe and event handler attributes from raw HTML", () => {
    expect(renderMarkdown("<style>body{}</style><iframe src=https://e.example></iframe>hi")).toBe("hi");
    expect(renderMarkdown('<a href="https://e.example" onclick="x()" target="_blank">l</a>')).toBe('<p><a href="https://e.example">l</a></p>\n');
  });

  it("drops an image whose only attributes were a bad src and an onerror", () => {
    expect(renderMarkdown("<img src=x onerror=alert(1)>")).toBe("");
  });

  it("never makes a javascript: link, whatever its case", () => {
    for (const markdown of ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", '<a href="javascript:alert(1)">x</a>']) {
      const html = renderMarkdown(markdown);
      expect(html, markdown).toContain("x");
      expect(html, markdown).not.toMatch(/href="?\s*javascript:/i);
    }
  });

  it("allows http, https and mailto links and relative paths, nothing else", () => {
    expect(renderMarkdown("[a](https://e.example/p) [m](mailto:a@e.example) [r](/dashboard) [d](data:text/html,x)")).toMatch(
      /^<p><a href="https:\/\/e.example\/p">a<\/a> <a href="mailto:a@e.example">m<\/a> <a href="\/dashboard">r<\/a> (<a>d<\/a>|\[d\]\(data:text\/html,x\))<\/p>\n$/,
    );
  });

  it("keeps a link's text but not an href the allow-list refuses, though markdown-it accepts it", () => {
    expect(renderMarkdown("[t](tel:123) [f](ftp://e.example/x) [p](//e.example/x) [s](steam://run)")).toBe("<p><a>t</a> <a>f</a> <a>p</a> <a>s</a></p>\n");
    expect(renderMarkdown("<ftp://e.example/x>")).toBe("<p><a>ftp://e.example/x</a></p>\n");
  });

  it("allows only absolute http(s) images", () => {
    expect(renderMarkdown('![i](https://e.example/a.png "t")')).toBe('<p><img src="https://e.example/a.png" alt="i" title="t" /></p>\n');
    expect(renderMarkdown("![i](data:image/png;base64,AAAA)")).toBe("<p></p>\n");
    expect(renderMarkdown("![i](/logout)")).toBe("<p></p>\n");
  });
});

// Markdown without raw HTML skips the sanitiser. The allow-list must then have nothing to take out of
// it: sanitised with the allow-list, it reads exactly as when sanitised with every tag, attribute,
// class and scheme allowed (the same parser and serialiser, so only what the allow-list drops differs).
const allowEverything: sanitizeHtml.IOptions = {
  allowedTags: false,
  allowedAttributes: false,
  allowedSchemesAppliedToAttributes: [],
  allowVulnerableTags: true,
  disallowedTagsMode: "discard",
};
describe("Markdown without raw HTML", () => {
  const handWritten = [
    "[a](https://e.example) [m](mailto:a@e.example) [r](/p?q=1#h) [t](tel:1) [j](javascript:x) [d](data:text/html,x)",
    "[p](//e.example) [b](\\\\e.example) [c](java\tscript:x) [e](&#106;avascript:x) <https://e.example/a> <a@e.example>",
    '![i](https://e.example/a.png "t") ![r](/logout) ![d](data:image/png;base64,AAAA) ![h](http://e.example/"onerror=x)',
    "| a | b | c |\n| :- | :-: | -: |\n| 1 | 2 | 3 |\n\n~~s~~ `c` **b** _e_\n\n```js\"><x\nx\n```\n\n1. a\n2. b\n\n7) c\n\n> q\n\n---\nline  \nbreak",
    "&lt;script&gt; &amp; &quot; &#x3C;img&#x3E; &copy; \\<b\\>",
  ];
  const cases = [
    ...handWritten.map((text, i) => ({ name: `hand-written ${i + 1}`, text })),
    ...Object.entries(realisticPosts).map(([name, make]) => ({ name, text: make() })),
    ...buildCorpus(),
    ...[...fuzzCases({ seed: 21, count: 60 })].map((c, i) => ({ name: `fuzz ${i}`, text: c.text })),
  ];

  it("is markdown-it's own HTML, which the allow-list leaves as it is", () => {
    let checked = 0;
    for (const { name, text } of cases) {
      let parsed;
      try {
        parsed = parseMarkdown(text);
      } catch {
        continue; // Over the budget: shown as escaped text, never as HTML.
      }
      if (parsed.rawHtmlTags > 0) continue;
      checked++;
      expect(renderMarkdown(text), name).toBe(parsed.html);
      expect(sanitizeRenderedHtml(parsed.html), name).toBe(sanitizeHtml(parsed.html, allowEverything));
    }
    // Most of the corpus is Markdown only; the check must not pass by skipping everything.
    expect(checked).toBeGreaterThanOrEqual(30);
  });

  it("goes through the sanitiser as soon as one raw tag is in it", () => {
    expect(renderMarkdown("text <span onclick=x>s</span>")).toBe("<p>text s</p>\n");
    // Raw HTML in an image's text becomes its alt text, escaped.
    expect(renderMarkdown("![<img src=x onerror=alert(1)>](https://e.example/i.png)")).toBe(
      '<p><img src="https://e.example/i.png" alt="&lt;img src=x onerror=alert(1)&gt;" /></p>\n',
    );
  });
});

// These inputs are what a renderer lets through when it passes raw HTML on: only the allow-list stands
// between them and the page, so each assertion fails if sanitize-html is taken out of the pipeline.
describe("sanitizeRenderedHtml", () => {
  it("removes scripts, handlers, javascript: URLs and tags outside the allow-list", () => {
    const hostile =
      '<p onclick="x()">p</p><script>alert(1)</script><img src="https://e.example/i.png" onerror="x()">' +
      '<a href="javascript:alert(1)">j</a><a href=" JAVASCRIPT:alert(1)">k</a><iframe src="https://e.example"></iframe>' +
      '<svg><script>alert(1)</script></svg><form action="/logout"><button>b</button></form><div style="x">d</div>';
    expect(sanitizeRenderedHtml(hostile)).toBe('<p>p</p><img src="https://e.example/i.png" /><a>j</a><a>k</a>bd');
  });
});
