// kubectl's table layout and its human-readable ages.

/** kubectl's tabwriter: minimum cell width 6, padding 3, the last column unpadded. */
const MIN_WIDTH = 6;
const PADDING = 3;

/**
 * Lays out rows under headers as `kubectl get` does: left aligned, each column as wide as its
 * widest cell plus three spaces, no trailing spaces, a newline after every line.
 */
export function formatTable(headers: string[] | undefined, rows: string[][]): string {
  // Without headers (--no-headers) the columns are as wide as the rows alone need, as kubectl's.
  const lines = (headers ? [headers, ...rows] : rows).map((cells) => cells.map(cellText));
  const columns = Math.max(0, ...lines.map((l) => l.length));
  const widths: number[] = [];
  for (let c = 0; c < columns - 1; c++) {
    const widest = Math.max(0, ...lines.map((l) => (c < l.length - 1 ? textWidth(l[c]!) : 0)));
    widths.push(Math.max(widest + PADDING, MIN_WIDTH));
  }
  return lines
    .map((cells) =>
      cells
        .map((cell, c) => (c < cells.length - 1 ? cell + ' '.repeat(widths[c]! - textWidth(cell)) : cell))
        .join('')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** A cell shows only its first line, marked with "..." when more was cut. */
function cellText(cell: string): string {
  const cut = cell.search(/[\f\n\r]/);
  return cut < 0 ? cell : `${cell.slice(0, cut)}...`;
}

/** Width in characters (code points), as tabwriter counts UTF-8 runes. */
function textWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The AGE of something created at `from`, or `<unknown>` when there is no timestamp. */
export function formatAge(from: string | Date | undefined, now: Date): string {
  if (from === undefined || from === '') return '<unknown>';
  const t = from instanceof Date ? from.getTime() : Date.parse(from);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/**
 * Kubernetes' duration.HumanDuration: about two significant figures, e.g. 90s, 2m30s, 10m,
 * 3h10m, 20h, 2d3h, 15d, 2y3d. A clock up to a second behind still reads 0s.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}
