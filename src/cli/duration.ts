// Go-style durations as kubectl takes them (--timeout=30s, 1m, 1h30m, or a bare number of seconds).

import { CliError } from './errors.js';

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(s: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed += m[0].length;
  }
  if (consumed !== s.length || s.length === 0) throw new CliError(`error: invalid duration "${s}" (use e.g. 30s, 2m, 1h)`);
  return total;
}
