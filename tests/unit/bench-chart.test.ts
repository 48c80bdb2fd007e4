// The benchmark's chart (scripts/bench/chart.mjs): hand-written SVG from bench-results.json, which the
// README embeds. Checked for well-formed markup, one bar per side and page, and bars to scale.
import { describe, expect, it } from "vitest";
import { chartSvg } from "../../scripts/bench/chart.mjs";

function side(name: string, rps: number, serverCpu: number | null, directusCpu: number) {
  return {
    rps,
    p50: 10,
    p99: 20,
    non2xx: 0,
    errors: 0,
    requests: rps * 10,
    cpuMsPerRequest: { ...(serverCpu === null ? {} : { [name]: serverCpu }), directus: directusCpu, "load generator": 0.5 },
  };
}

function row(page: string, connections: number, withNext = true) {
  return {
    page,
    connections,
    app: side("app", 200, 3, 4),
    bareReactRouter: side("bare React Router", 250, 2, 4),
    passThrough: side("pass-through", 280, 0.6, 4),
    floor: side("floor", 300, null, 4),
    ...(withNext ? { nextjsTutorial: side("Next.js tutorial", 100, 6, 8) } : {}),
  };
}

const results = {
  date: "2026-12-02T15:00:00.000Z",
  durationSeconds: 10,
  warmupSeconds: 15,
  load: [row("dashboard", 1), row("post", 1), row("dashboard", 8), row("post", 8)],
};

/** Every element closed in order, every attribute quoted, no bare `<` or `&` in text. */
function assertWellFormed(svg: string) {
  const stack: string[] = [];
  const tags = svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g);
  let consumed = "";
  let last = 0;
  for (const tag of tags) {
    const [whole, closing, name, , selfClosing] = tag;
    consumed += svg.slice(last, tag.index);
    last = tag.index! + whole.length;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  consumed += svg.slice(last);
  expect(stack).toEqual([]);
  // What is left outside the tags is text: no markup characters, and only known entities.
  expect(consumed).not.toMatch(/[<>]/);
  expect(consumed.replace(/&(amp|lt|gt|quot|#\d+);/g, "")).not.toContain("&");
}

describe("the benchmark chart", () => {
  it("is one well-formed SVG document", () => {
    const svg = chartSvg(results);
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    assertWellFormed(svg);
  });

  it("draws each side once per page and concurrency, the Next.js tutorial included when measured", () => {
    const svg = chartSvg(results);
    // Each bar carries its side, cell and value in a <title>, for readers hovering over it.
    const count = (pattern: string) => svg.match(new RegExp(`<title>${pattern}</title>`, "g"))?.length ?? 0;
    for (const name of ["app", "Next.js tutorial", "bare React Router", "pass-through", "Directus floor"]) {
      expect(count(`${name}, (dashboard|post) c=(1|8): [\\d.]+ req/s`), name).toBe(4);
      expect(count(`${name}, (dashboard|post) c=(1|8): Directus CPU [\\d.]+ ms per view`), name).toBe(4);
      // The floor has no server of its own.
      expect(count(`${name}, (dashboard|post) c=(1|8): server CPU [\\d.]+ ms per view`), name).toBe(name === "Directus floor" ? 0 : 4);
    }
    const withoutNext = chartSvg({ ...results, load: results.load.map((r) => row(r.page, r.connections, false)) });
    expect(withoutNext).not.toContain("Next.js tutorial");
    assertWellFormed(withoutNext);
  });

  it("draws bars to one scale per panel: twice the CPU, twice the length", () => {
    const svg = chartSvg(results);
    const width = (label: string) => Number(svg.match(new RegExp(`<rect [^>]*width="([\\d.]+)"[^>]*><title>${label}</title>`))?.[1]);
    // Server CPU: the tutorial's 6 ms against the app's 3 ms; throughput: 100 against 200 req/s.
    expect(width("Next.js tutorial, dashboard c=8: server CPU 6.00 ms per view") / width("app, dashboard c=8: server CPU 3.00 ms per view")).toBeCloseTo(2, 2);
    expect(width("app, post c=1: 200.0 req/s") / width("Next.js tutorial, post c=1: 100.0 req/s")).toBeCloseTo(2, 2);
  });

  it("escapes text it did not write itself", () => {
    const svg = chartSvg({ ...results, load: results.load.map((r) => ({ ...r, page: "a<b&c" })) });
    assertWellFormed(svg);
    expect(svg).toContain("a&lt;b&amp;c");
  });
});
