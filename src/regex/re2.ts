// RE2 regular expressions, as Istio validates them and Envoy runs them: linear-time matching
// (no backtracking, so no pattern can stall a request) through re2js, a port of Go's regexp.
// Shared by config validation and the proxy; it imports neither.

import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

type Re2Lib = typeof import('re2js');
let lib: Re2Lib | undefined;
/** re2js is loaded on first use: every weft command loads the kinds, few compile a regex. */
function re2js(): Re2Lib {
  return (lib ??= createRequire(import.meta.url)('re2js') as Re2Lib);
}

/** Envoy's safe_regex and Istio's validation both cap patterns; Istio approximates the program size by length. */
export const MAX_RE2_LENGTH = 1024;

const cacheLimit = 512;
const cache = new Map<string, RE2JS>();

/** Thrown for a pattern RE2 rejects; the message is Go's, e.g. "error parsing regexp: missing closing ): `(a`". */
export class Re2SyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Re2SyntaxError';
  }
}

/**
 * Compiles `pattern` once; later calls share the compiled program. Throws Re2SyntaxError for
 * anything RE2 (Go's regexp) rejects: lookaround, backreferences, possessive repeats, bad syntax.
 */
export function compileRe2(pattern: string): RE2JS {
  const hit = cache.get(pattern);
  if (hit) {
    // refresh recency so hot patterns survive eviction
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit;
  }
  let re: RE2JS;
  const { RE2JS: Re2, RE2JSException } = re2js();
  try {
    re = Re2.compile(pattern);
  } catch (e) {
    if (e instanceof RE2JSException) throw new Re2SyntaxError(e.message);
    throw e;
  }
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, re);
  return re;
}

/** Why RE2 rejects `pattern`, in Go's words, or undefined when it compiles. */
export function re2Problem(pattern: string): string | undefined {
  try {
    compileRe2(pattern);
    return undefined;
  } catch (e) {
    if (e instanceof Re2SyntaxError) return e.message;
    throw e;
  }
}

/** Envoy's safe_regex match: the pattern must match the WHOLE value, not a part of it. */
export function re2FullMatch(pattern: string, value: string): boolean {
  return compileRe2(pattern).matches(value);
}

/**
 * Envoy's regex_rewrite (Istio's uriRegexRewrite): every non-overlapping match of `pattern` in
 * `value` is replaced by `substitution`, where \0..\9 name capture groups and \\ is a backslash.
 */
export function re2Rewrite(pattern: string, value: string, substitution: string): string {
  const re = compileRe2(pattern);
  const parts = parseSubstitution(substitution);
  let out = '';
  let last = 0;
  for (const m of re.matchAll(value)) {
    const at = m.index ?? 0;
    out += value.slice(last, at);
    for (const p of parts) out += typeof p === 'string' ? p : (m[p] ?? '');
    last = at + m[0].length;
  }
  return out + value.slice(last);
}

/** Literal runs and group numbers of a substitution such as "/v2/\1". */
function parseSubstitution(s: string): Array<string | number> {
  const parts: Array<string | number> = [];
  let lit = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const n = s[i + 1];
    if (c === '\\' && n !== undefined && /[0-9]/.test(n)) {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(Number(n));
      i++;
    } else if (c === '\\' && n === '\\') {
      lit += '\\';
      i++;
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

/** How many capture groups `pattern` has: a rewrite may not name more (Envoy rejects it). */
export function re2GroupCount(pattern: string): number {
  return compileRe2(pattern).groupCount();
}
