// Hostile Markdown at the post content limit: the shapes that make Markdown parsers quadratic or
// recursive (deep nesting, long delimiter runs, huge tables, many references), for the tests, the
// benchmark and scripts/markdown-fuzz.mjs. Every item fits the form's limit and its character rules.

/** limits.contentMax in app/lib/limits.ts (kept in step by tests/unit/markdown-corpus.test.ts). */
export const CONTENT_MAX = 100_000;

/** `unit` repeated as often as fits in `max` characters after `prefix` and before `suffix`. */
export function fill(unit, { prefix = "", suffix = "", max = CONTENT_MAX } = {}) {
  const room = max - prefix.length - suffix.length;
  return prefix + unit.repeat(Math.max(0, Math.floor(room / unit.length))) + suffix;
}

/** n copies of `open`, a middle, then n copies of `close`, n as large as fits. */
function nest(open, middle, close, max = CONTENT_MAX) {
  const n = Math.floor((max - middle.length) / (open.length + close.length));
  return open.repeat(n) + middle + close.repeat(n);
}

/** Lines indented one step deeper each, while they fit (nested lists and quotes by indentation). */
function staircase(line, step, max = CONTENT_MAX) {
  let out = "";
  for (let depth = 0; ; depth++) {
    const next = `${step.repeat(depth)}${line}\n`;
    if (out.length + next.length > max) return out;
    out += next;
  }
}

/** Backtick runs of every length 1, 2, 3, …: no run closes another, the classic code-span trap. */
function growingBacktickRuns(max = CONTENT_MAX) {
  let out = "";
  for (let n = 1; out.length + n + 1 <= max; n++) out += "`".repeat(n) + "a";
  return out;
}

function manyReferences(max = CONTENT_MAX) {
  const definitions = [];
  const uses = [];
  let size = 0;
  for (let i = 0; size < max - 60; i++) {
    definitions.push(`[r${i}]: https://e.example/${i} "t"`);
    uses.push(`[r${i}]`);
    size += definitions.at(-1).length + uses.at(-1).length + 2;
  }
  return `${uses.join(" ")}\n\n${definitions.join("\n")}\n`.slice(0, max);
}

function wideTable(max = CONTENT_MAX) {
  const columns = Math.floor((max - 10) / 6);
  return `${"|a".repeat(columns)}|\n${"|-".repeat(columns)}|\n${"|b".repeat(columns)}|\n`.slice(0, max);
}

/** A table of many columns whose rows are nearly empty: a renderer that pads every row pays columns × rows. */
function paddedTable(max = CONTENT_MAX) {
  const columns = 5_000;
  const head = `${"|a".repeat(columns)}|\n${"|-".repeat(columns)}|\n`;
  return fill("x\n", { prefix: head, max });
}

function longTable(max = CONTENT_MAX) {
  return fill("|a|b|c|\n", { prefix: "|h|h|h|\n|-|:-:|-:|\n", max });
}

/**
 * The named corpus: every entry is a function returning one string of at most CONTENT_MAX characters.
 * The first two are the shapes measured on marked before this corpus existed (14 s; a stack overflow).
 */
export const corpus = {
  "underscore pairs `_a`": () => fill("_a"),
  "deep quotes `>`": () => fill(">"),
  "deep quotes `> `": () => fill("> "),
  "star pairs `*a`": () => fill("*a"),
  "double stars `**a`": () => fill("**a"),
  "stars then text then stars": () => nest("*", "a", "*"),
  "underscores then text then underscores": () => nest("_", "a", "_"),
  "alternating `*_`": () => fill("*_"),
  "emphasis openers `a*` closers `*a`": () => nest("a*", "b", "*a"),
  "strikethrough `~~a`": () => fill("~~a"),
  "tildes": () => fill("~"),
  "deep list `- `": () => fill("- "),
  "deep ordered list `1. `": () => fill("1. "),
  "quote in list `> - `": () => fill("> - "),
  "list staircase": () => staircase("- a", "  "),
  "quote staircase": () => staircase("> a", " "),
  "list items `- a`": () => fill("- a\n"),
  "open brackets `[`": () => fill("["),
  "open images `![`": () => fill("!["),
  "close brackets `]`": () => fill("]"),
  "bracket pairs `[]`": () => fill("[]"),
  "link openers `[a](`": () => fill("[a]("),
  "empty links `[](`": () => fill("[]("),
  "bracket then paren `](`": () => fill("]("),
  "nested links": () => nest("[", "a", "](b)"),
  "nested images": () => nest("![", "a", "](b)"),
  "nested links and emphasis": () => nest("[*", "a", "*](b)"),
  "link destination of parens": () => fill("(", { prefix: "[a](" }),
  "link destination of `<`": () => fill("<", { prefix: "[a](" }),
  "link title unclosed": () => fill('"', { prefix: "[a](b " }),
  "many references": () => manyReferences(),
  "reference uses `[a][b]`": () => fill("[a][b]"),
  "backticks": () => fill("`"),
  "backtick pairs `` `a ``": () => fill("`a"),
  "growing backtick runs": () => growingBacktickRuns(),
  "fences": () => fill("```\n"),
  "wide table": () => wideTable(),
  "wide table, empty rows": () => paddedTable(),
  "long table": () => longTable(),
  "pipes": () => fill("|"),
  "html blocks `<div>`": () => fill("<div>"),
  "html inline `<a>`": () => fill("<a>"),
  "unclosed html tags `<a `": () => fill("<a "),
  "unclosed attributes `<a href='`": () => fill("<a href='"),
  "html comment openers": () => fill("<!--"),
  "processing instructions `<?`": () => fill("<?"),
  "cdata openers": () => fill("<![CDATA["),
  "declarations `<!A`": () => fill("<!A"),
  // Inline (after text on the line), so only the inline HTML rule sees them: quadratic in markdown-it 14's own rule.
  "inline comments never closed `x<!--`": () => fill("<!--", { prefix: "x" }),
  "inline instructions never closed `x<?`": () => fill("<?", { prefix: "x" }),
  "inline declarations never closed `x<!A`": () => fill("<!A", { prefix: "x" }),
  "inline cdata never closed": () => fill("<![CDATA[", { prefix: "x" }),
  "angle brackets `<`": () => fill("<"),
  "autolinks `<http://`": () => fill("<http://a"),
  "bare urls `www.`": () => fill("www."),
  "bare urls `http://a.`": () => fill("http://a."),
  "email-like `a@`": () => fill("a@"),
  "entities `&#`": () => fill("&#"),
  "named entities `&a`": () => fill("&a"),
  "escapes `\\*`": () => fill("\\*"),
  "setext headings": () => fill("a\n=\n"),
  "headings `#`": () => fill("#"),
  "empty lines": () => fill("\n"),
  "short lines": () => fill("a\n"),
  "tabs": () => fill("\t"),
  "spaces then text": () => fill(" ", { suffix: "a" }),
  "hard breaks": () => fill("a  \n"),
  "plain words": () => fill("lorem ipsum "),
};

/** Every corpus item, built. */
export function buildCorpus() {
  return Object.entries(corpus).map(([name, make]) => ({ name, text: make() }));
}

// The fuzzer: a seeded generator of repeated patterns of Markdown-significant pieces. Repetition is
// what turns a slow path into a quadratic one, so each case repeats one short random pattern to the limit.
const PIECES = [
  "*", "**", "_", "__", "~", "~~", "`", "```", "[", "]", "(", ")", "](", "![", "<", ">", "> ", "- ", "1. ", "+ ",
  "|", "|-", "#", "\\", "&", "&#", "!", "a", " ", "  ", "\n", "\n\n", "    ", "\t", "<a>", "</a>", "<div>", "<!--",
  "-->", "http://", "www.", "@", ":", "\"", "'", "=", "---", "[a]: b\n", "<http://a>",
];

/** mulberry32: a small, fast, seeded PRNG, so a slow case can be reproduced from its seed. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` fuzz cases from `seed`: each one random pattern of 1–5 pieces, repeated (nested half the time) up to `max`. */
export function* fuzzCases({ seed = 1, count = 200, max = CONTENT_MAX } = {}) {
  const next = random(seed);
  const pick = () => PIECES[Math.floor(next() * PIECES.length)];
  for (let i = 0; i < count; i++) {
    const pattern = () => Array.from({ length: 1 + Math.floor(next() * 5) }, pick).join("");
    const open = pattern();
    const text = next() < 0.5 ? fill(open, { max }) : nest(open, pick(), pattern(), max);
    yield { name: `fuzz seed ${seed} #${i}: ${JSON.stringify(open).slice(0, 40)}`, text };
  }
}

// Posts a person could write, at the limit: these must render as Markdown, not be degraded.
const SECTION = `## A section heading

Some prose with **bold**, _emphasis_, \`inline code\`, ~~struck~~ words and a [link](https://example.com/page "title").
A second line of the same paragraph, with an autolink <https://example.com> and an image:
![a picture](https://example.com/picture.png)

> A quoted remark, which goes on
> for two lines.

- a list item
- another, with *emphasis*
  - a nested item
1. first
2. second

| name | amount | note |
| :--- | -----: | :--: |
| one  | 1      | ok   |
| two  | 2      | fine |

\`\`\`js
const answer = 1 + 1; // a fenced code block
\`\`\`

---

`;

export const realisticPosts = {
  "a long article": () => fill(SECTION),
  "a data table": () => fill("| 2024-01-01 | Some name | 12.50 | a short note about it |\n", { prefix: "| date | name | amount | note |\n| --- | --- | ---: | --- |\n" }),
  "a long code block": () => fill("  console.log(`line ${i}`); // and a comment\n", { prefix: "```js\n", suffix: "```\n" }),
  "a long list": () => fill("- an item with a [link](https://example.com) and **bold** text\n"),
  "long prose": () => fill("Plain sentences, one after another, with commas; colons: and the odd dash - like this. "),
};
