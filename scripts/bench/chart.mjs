// bench-chart.svg: the single mode's sides per page at a glance, hand-written SVG from the results
// (no charting package). Left, CPU per view: the side's own server (dark) and Directus (light) stacked;
// right, requests per second. One group of bars per page and concurrency. The README embeds a copy.
// `node scripts/bench/chart.mjs <bench-results.json> <out.svg>` redraws it from a results file.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

// Row key in results.load, label, key of its server in cpuMsPerRequest (none for the floor), colour.
const SIDES = [
  ["app", "app", "app", "#2563eb"],
  ["baseline", "app (baseline)", "app (baseline)", "#7c3aed"],
  ["nextjsTutorial", "Next.js tutorial", "Next.js tutorial", "#111827"],
  ["bareReactRouter", "bare React Router", "bare React Router", "#dc2626"],
  ["passThrough", "pass-through", "pass-through", "#059669"],
  ["floor", "Directus floor", null, "#6b7280"],
];

const WIDTH = 860;
const LABEL_X = 12;
const CPU_X = 150;
const CPU_WIDTH = 300;
const RPS_X = 580;
const RPS_WIDTH = 190;
const BAR = 13;
const BAR_GAP = 3;
const GROUP_GAP = 26;
const TOP = 92;

const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (value) => Number(value.toFixed(2));
const finite = (value) => (Number.isFinite(value) ? value : 0);

function text(x, y, content, attributes = "") {
  return `<text x="${num(x)}" y="${num(y)}"${attributes ? ` ${attributes}` : ""}>${escape(content)}</text>`;
}

function rect(x, y, width, fill, title, opacity = 1) {
  const faded = opacity === 1 ? "" : ` fill-opacity="${opacity}"`;
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${BAR}" fill="${fill}"${faded}><title>${escape(title)}</title></rect>`;
}

/** The sides a row of the load holds, in SIDES order, with what the chart draws of each. */
function sidesOf(row) {
  return SIDES.filter(([key]) => row[key]).map(([key, label, server, colour]) => {
    const side = row[key];
    return {
      label,
      colour,
      rps: finite(side.rps),
      serverCpu: server ? finite(side.cpuMsPerRequest[server]) : null,
      directusCpu: finite(side.cpuMsPerRequest.directus),
    };
  });
}

/** The chart as an SVG document, from results as written to bench-results.json (single mode). */
export function chartSvg(results) {
  const groups = results.load.map((row) => ({ cell: `${row.page} c=${row.connections}`, sides: sidesOf(row) }));
  const all = groups.flatMap((group) => group.sides);
  const maxCpu = Math.max(...all.map((side) => (side.serverCpu ?? 0) + side.directusCpu), 0.001);
  const maxRps = Math.max(...all.map((side) => side.rps), 0.001);
  const cpuScale = CPU_WIDTH / maxCpu;
  const rpsScale = RPS_WIDTH / maxRps;

  const parts = [];
  const present = SIDES.filter(([key]) => results.load.some((row) => row[key]));
  parts.push(text(LABEL_X, 22, `npm run bench, ${results.date?.slice(0, 10) ?? ""}: ${results.durationSeconds} s per side and cell in alternating 2 s slices`, 'font-weight="bold"'));
  let legendX = LABEL_X;
  for (const [, label, , colour] of present) {
    parts.push(`<rect x="${legendX}" y="34" width="10" height="10" fill="${colour}"/>`);
    parts.push(text(legendX + 14, 43, label));
    legendX += 26 + label.length * 6.2;
  }
  parts.push(text(CPU_X, 74, "CPU per view, ms: its server (dark) + Directus (light)", 'font-weight="bold"'));
  parts.push(text(RPS_X, 74, "requests per second", 'font-weight="bold"'));

  let y = TOP;
  for (const group of groups) {
    parts.push(text(LABEL_X, y + BAR - 2, group.cell, 'font-weight="bold"'));
    for (const side of group.sides) {
      const name = `${side.label}, ${group.cell}`;
      let x = CPU_X;
      if (side.serverCpu !== null) {
        const width = side.serverCpu * cpuScale;
        parts.push(rect(x, y, width, side.colour, `${name}: server CPU ${side.serverCpu.toFixed(2)} ms per view`));
        x += width;
      }
      const directusWidth = side.directusCpu * cpuScale;
      parts.push(rect(x, y, directusWidth, side.colour, `${name}: Directus CPU ${side.directusCpu.toFixed(2)} ms per view`, 0.35));
      const cpuLabel = side.serverCpu === null ? `${side.directusCpu.toFixed(2)}` : `${side.serverCpu.toFixed(2)} + ${side.directusCpu.toFixed(2)}`;
      parts.push(text(x + directusWidth + 4, y + BAR - 2, cpuLabel, 'font-size="11"'));

      const rpsWidth = side.rps * rpsScale;
      parts.push(rect(RPS_X, y, rpsWidth, side.colour, `${name}: ${side.rps.toFixed(1)} req/s`));
      parts.push(text(RPS_X + rpsWidth + 4, y + BAR - 2, side.rps.toFixed(0), 'font-size="11"'));
      y += BAR + BAR_GAP;
    }
    y += GROUP_GAP - BAR_GAP;
  }
  const height = y + 4;
  parts.push(`<line x1="${CPU_X}" y1="${TOP - 6}" x2="${CPU_X}" y2="${height - GROUP_GAP}" stroke="#9ca3af"/>`);
  parts.push(`<line x1="${RPS_X}" y1="${TOP - 6}" x2="${RPS_X}" y2="${height - GROUP_GAP}" stroke="#9ca3af"/>`);

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12" fill="#111827">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

/** Writes the chart of `results` to `file`. */
export async function writeChart(results, file) {
  await writeFile(file, chartSvg(results));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [resultsFile = "bench-results.json", out = "bench-chart.svg"] = process.argv.slice(2);
  await writeChart(JSON.parse(await readFile(resultsFile, "utf8")), out);
}
