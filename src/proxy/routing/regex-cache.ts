// RE2 patterns from route matches, compiled once: linear-time matching on the request path, so a
// pattern like (a+)+$ cannot stall the proxy as a backtracking RegExp would.

import { RE2JS } from 're2js';

const cache = new Map<string, RE2JS>();
const MAX_CACHED = 10_000;

function compiled(pattern: string, ignoreCase: boolean): RE2JS {
  const key = ignoreCase ? `i:${pattern}` : `s:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    if (cache.size >= MAX_CACHED) cache.clear();
    re = RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    cache.set(key, re);
  }
  return re;
}

/** Whether the whole of `value` matches `pattern` (Envoy's safe_regex semantics). */
export function fullMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return compiled(pattern, ignoreCase).testExact(value);
}

/** Every match of `pattern` in `value` replaced by `substitution`, whose \1..\9 name groups (Envoy's regex_rewrite). */
export function regexReplace(pattern: string, value: string, substitution: string): string {
  // re2js writes groups as $1; a literal $ must not be read as one.
  const repl = substitution.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
  return compiled(pattern, false).matcher(value).replaceAll(repl);
}
