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
