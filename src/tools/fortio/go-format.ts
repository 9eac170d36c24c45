// Numbers printed the way Go's fmt prints them, so fortio's output reads as the original's; durations
// come from the Go duration module the Go stand-ins share.

import { parseGoDuration as goNanoseconds } from '../../samples/go-duration.js';

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

/** Parses a Go duration such as 5s, 100ms, 1m30s, 1.5h; a bare number is taken as seconds, as fortio allows. */
export function parseGoDuration(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  return goNanoseconds(text) / 1e6;
}
