import { describe, it, expect } from "vitest";
import { renderMarkdown } from "#app/server/markdown.server.ts";

describe("renderMarkdown", () => {
  it("renders formatting", () => {
    expect(renderMarkdown("**bold** and _em_")).toBe("<p><strong>bold</strong> and <em>em</em></p>\n");
  });

  it("drops script elements with their content", () => {
    expect(renderMarkdown("<script>alert(1)</script>")).toBe("");
    expect(renderMarkdown("before\n\n<script>alert(1)</script>\n\nafter")).toBe("<p>before</p>\n<p>after</p>\n");
  });

  it("drops style, iframe and event handler attributes from raw HTML", () => {
    expect(renderMarkdown("<style>body{}</style><iframe src=https://e.example></iframe>hi")).toBe("hi");
    expect(renderMarkdown('<a href="https://e.example" onclick="x()" target="_blank">l</a>')).toBe('<p><a href="https://e.example">l</a></p>\n');
  });

  it("drops an image whose only attributes were a bad src and an onerror", () => {
    expect(renderMarkdown("<img src=x onerror=alert(1)>")).toBe("");
  });

  it("keeps the text of a javascript: link but not its href", () => {
    expect(renderMarkdown("[x](javascript:alert(1))")).toBe("<p><a>x</a></p>\n");
    expect(renderMarkdown("[x](JaVaScRiPt:alert(1))")).toBe("<p><a>x</a></p>\n");
  });

  it("allows http, https and mailto links and relative paths, nothing else", () => {
    expect(renderMarkdown("[a](https://e.example/p) [m](mailto:a@e.example) [r](/dashboard) [d](data:text/html,x)")).toBe(
      '<p><a href="https://e.example/p">a</a> <a href="mailto:a@e.example">m</a> <a href="/dashboard">r</a> <a>d</a></p>\n',
    );
  });

  it("allows only absolute http(s) images", () => {
    expect(renderMarkdown('![i](https://e.example/a.png "t")')).toBe('<p><img src="https://e.example/a.png" alt="i" title="t" /></p>\n');
    expect(renderMarkdown("![i](data:image/png;base64,AAAA)")).toBe("<p></p>\n");
    expect(renderMarkdown("![i](/logout)")).toBe("<p></p>\n");
  });

  it("escapes code and keeps its language class", () => {
    expect(renderMarkdown("```js\nlet a = 1 < 2;\n```")).toBe('<pre><code class="language-js">let a = 1 &lt; 2;\n</code></pre>\n');
  });
});
