// Numbers and durations printed the way Go's fmt prints them, so fortio's output reads as the original's.

/** Go's %g (shortest) or %.Ng: exponent form below 1e-4 or at/over the precision, trailing zeros dropped. */
export function goG(x: number, precision?: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return '0';
  const neg = x < 0;
  const [mant, expText] = (precision === undefined ? Math.abs(x).toExponential() : Math.abs(x).toExponential(precision - 1)).split('e');
  const digits = mant!.replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(expText);
  const nd = digits.length;
  const dp = exp + 1;
  let eprec = precision ?? nd;
  if (eprec > nd && nd >= dp) eprec = nd;
  if (precision === undefined) eprec = 6;
  let out: string;
  if (exp < -4 || exp >= eprec) {
    out = `${digits[0]}${nd > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (dp <= 0) {
    out = `0.${'0'.repeat(-dp)}${digits}`;
  } else if (dp >= nd) {
    out = digits + '0'.repeat(dp - nd);
  } else {
    out = `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  }
  return neg ? `-${out}` : out;
}

/** Go's time.Duration String() for a count of nanoseconds, e.g. 34.963125ms, 1.5s, 2m3.25s. */
export function goDuration(ns: bigint): string {
  if (ns < 0n) return `-${goDuration(-ns)}`;
  if (ns === 0n) return '0s';
  const frac = (whole: bigint, unit: bigint, width: number): string => {
    const f = (whole % unit).toString().padStart(width, '0').replace(/0+$/, '');
    return `${whole / unit}${f ? `.${f}` : ''}`;
  };
  if (ns < 1000n) return `${ns}ns`;
  if (ns < 1_000_000n) return `${frac(ns, 1000n, 3)}µs`;
  if (ns < 1_000_000_000n) return `${frac(ns, 1_000_000n, 6)}ms`;
  const hours = ns / 3_600_000_000_000n;
  const minutes = (ns / 60_000_000_000n) % 60n;
  const secs = `${frac(ns % 60_000_000_000n, 1_000_000_000n, 9)}s`;
  if (hours > 0n) return `${hours}h${minutes}m${secs}`;
  if (minutes > 0n) return `${minutes}m${secs}`;
  return secs;
}

/** Parses a Go duration such as 5s, 100ms, 1m30s, 1.5h; a bare number is taken as seconds, as fortio allows. */
export function parseGoDuration(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched !== text.length || text === '') throw new Error(`time: invalid duration "${text}"`);
  return total;
}
