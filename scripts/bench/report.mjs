// What both modes' reports share: number formats, text tables for the terminal, failed rows.

export const fmt = {
  n: (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "-"),
  kb: (bytes) => `${(bytes / 1024).toFixed(1)} kB`,
};

/** Rows of cells as aligned columns: the first left-aligned, the others right-aligned, a rule under the header. */
export function table(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  return rows
    .map((row, index) => {
      const line = row.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join("  ");
      return index === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
    })
    .join("\n");
}

/** The rows (page and concurrency) in which any side answered an error under load. */
export function failedRows(load, sides) {
  return load.filter((row) => sides.some((side) => row[side] && (row[side].non2xx || row[side].errors)));
}

/** The value a fraction `q` of the way through `sorted` (ascending), between neighbours as need be. */
function quantile(sorted, q) {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  return sorted[below] + (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]) * (at - below);
}

/**
 * Side `a`'s CPU per request (process `nameA`) over side `b`'s (`nameB`): over the whole run, and
 * for each pair of slices that ran one after the other (the median and middle half of those
 * ratios), which shows how far one run's figure could move with a few slices more or less.
 */
export function cpuRatio(a, nameA, b, nameB) {
  const mine = a.cpuMsPerRequestBySlice[nameA];
  const theirs = b.cpuMsPerRequestBySlice[nameB];
  const pairs = mine
    .map((value, i) => value / theirs[i])
    .filter(Number.isFinite)
    .sort((x, y) => x - y);
  return {
    total: a.cpuMsPerRequest[nameA] / b.cpuMsPerRequest[nameB],
    slices: pairs.length,
    median: pairs.length ? quantile(pairs, 0.5) : NaN,
    low: pairs.length ? quantile(pairs, 0.25) : NaN,
    high: pairs.length ? quantile(pairs, 0.75) : NaN,
  };
}
