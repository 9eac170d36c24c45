// Go's text/tabwriter as istioctl configures it (minwidth 0, padchar ' ', no flags): its tables are laid out this way.

/**
 * Each column is as wide as its widest cell plus `padding`; the last cell of a line is printed as is.
 * Like Go's writer (and istioctl's output), a line whose last cell is empty keeps the padding before it.
 */
export function goTabwriter(rows: string[][], padding: number): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < columns - 1; c++) {
    widths.push(Math.max(0, ...rows.map((r) => (c < r.length - 1 ? width(r[c]!) + padding : 0))));
  }
  return rows.map((r) => `${r.map((cell, c) => (c < r.length - 1 ? cell + ' '.repeat(widths[c]! - width(cell)) : cell)).join('')}\n`).join('');
}

/** Width in code points, as tabwriter counts UTF-8 runes. */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
