// The benchmark's Markdown figure: the slowest render of a post in the hostile corpus
// (scripts/lib/markdown-corpus.mjs) and of the realistic posts at the content limit, through the
// app's own renderMarkdown (imported from the source; Node strips the types). A post over the
// renderer's budget costs what it took to refuse it; the page then shows it as text.
// `node scripts/lib/markdown-bench.mjs` runs it alone.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildCorpus, realisticPosts } from "./markdown-corpus.mjs";
import { root } from "./runtime.mjs";

const BUDGET_MS = 50;

/** CPU milliseconds this thread has used: a render's own time, whatever else the machine runs. */
function threadCpuMs() {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

/**
 * Times one render, elapsed and on the CPU; a case over budget is timed again (up to 3 times), so
 * one GC pause does not make the figure, unless it took over a second (an older renderer's quadratic
 * case: once is enough).
 */
export function timeRender(render, text) {
  let best = { ms: Infinity };
  for (let run = 0; run === 0 || (run < 3 && best.ms > BUDGET_MS && best.ms < 1000); run++) {
    const started = performance.now();
    const cpuStarted = threadCpuMs();
    let outcome = "html";
    try {
      render(text);
    } catch (error) {
      outcome = error?.name === "MarkdownTooComplex" ? "as text" : `error: ${error?.name}`;
    }
    const ms = performance.now() - started;
    if (ms < best.ms) best = { ms, cpuMs: threadCpuMs() - cpuStarted, outcome };
  }
  return best;
}

/** The renderer's module in a checkout: under app/server/posts/ since #18, app/server/ before (a baseline). */
export function markdownModule(source = root) {
  const grouped = join(source, "app", "server", "posts", "markdown.server.ts");
  return pathToFileURL(existsSync(grouped) ? grouped : join(source, "app", "server", "markdown.server.ts")).href;
}

export async function benchMarkdown(source = root) {
  const { renderMarkdown } = await import(markdownModule(source));
  const realistic = Object.entries(realisticPosts).map(([name, make]) => ({ name, text: make(), realistic: true }));
  const cases = [...realistic, ...buildCorpus()];
  for (let i = 0; i < 5; i++) timeRender(renderMarkdown, realistic[0].text);
  const results = cases.map(({ name, text, realistic }) => ({ name, realistic: !!realistic, ...timeRender(renderMarkdown, text) }));
  const worstOf = (rows) => {
    const by = (key) => rows.reduce((worst, row) => (row[key] > worst[key] ? row : worst));
    const [elapsed, cpu] = [by("ms"), by("cpuMs")];
    return { ms: elapsed.ms, name: elapsed.name, outcome: elapsed.outcome, cpuMs: cpu.cpuMs, cpuName: cpu.name };
  };
  return {
    budgetMs: BUDGET_MS,
    cases: results.length,
    worst: worstOf(results),
    hostile: worstOf(results.filter((row) => !row.realistic)),
    realistic: worstOf(results.filter((row) => row.realistic)),
    overBudget: results.filter((row) => row.ms > BUDGET_MS).map(({ name, ms }) => ({ name, ms })),
    asText: results.filter((row) => row.outcome === "as text").length,
    errors: results.filter((row) => row.outcome.startsWith("error")).map(({ name, outcome }) => ({ name, outcome })),
  };
}

export function formatMarkdownBench(result) {
  const worst = (w) => `${w.ms.toFixed(1)} ms elapsed (${w.name}, ${w.outcome}), ${w.cpuMs.toFixed(1)} ms CPU (${w.cpuName})`;
  return (
    `Markdown, ${result.cases} posts at the content limit (budget ${result.budgetMs} ms): worst hostile ${worst(result.hostile)}; ` +
    `worst realistic ${worst(result.realistic)}; shown as text: ${result.asText}; errors: ${result.errors.length}`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(formatMarkdownBench(await benchMarkdown(process.env.BENCH_SOURCE ?? root)));
}
