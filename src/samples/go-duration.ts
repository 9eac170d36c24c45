// Go's time.Duration text, shared by the stand-ins of Go programs (fake-service, go-httpbin, fortio): they
// read durations like "1m30s" and write them back ("202.008µs"), so both directions follow Go's rules.

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Parses a Go duration ("300ms", "1.5h", "2h45m", "0") into nanoseconds; throws on anything else. */
export function parseGoDuration(text: string): number {
  const s = text.trim();
  if (s === '0' || s === '+0' || s === '-0') return 0;
  const m = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) throw new Error(`invalid duration "${text}"`);
  let total = 0;
  for (const part of m[2]!.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_NS[part[2]!]!;
  }
  return m[1] === '-' ? -total : total;
}

/** Formats nanoseconds as Go's Duration.String() does: "0s", "850ns", "202.008µs", "1.5ms", "1m2.5s". */
export function formatGoDuration(nanoseconds: bigint | number): string {
  let ns = typeof nanoseconds === 'bigint' ? nanoseconds : BigInt(Math.round(nanoseconds));
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns < 1_000n) return `${sign}${ns}ns`;
  if (ns < 1_000_000n) return `${sign}${fraction(ns, 3)}µs`;
  if (ns < 1_000_000_000n) return `${sign}${fraction(ns, 6)}ms`;
  const minutes = ns / 60_000_000_000n;
  const hours = minutes / 60n;
  let out = `${fraction(ns % 60_000_000_000n, 9)}s`;
  if (minutes > 0n) out = `${minutes % 60n}m${out}`;
  if (hours > 0n) out = `${hours}h${out}`;
  return sign + out;
}

/** value / 10^digits with the fraction's trailing zeros (and a bare point) dropped, as Go prints it. */
function fraction(value: bigint, digits: number): string {
  const div = 10n ** BigInt(digits);
  const frac = (value % div).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${value / div}.${frac}` : `${value / div}`;
}
