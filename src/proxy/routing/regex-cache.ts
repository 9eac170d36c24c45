// RE2 patterns from route matches, compiled once: linear-time matching on the request path, so a
// pattern like (a+)+$ cannot stall the proxy as a backtracking RegExp would.

import { RE2JS } from 're2js';

const cache = new Map<string, RE2JS>();
const MAX_CACHED = 10_000;

/** Whether the whole of `value` matches `pattern` (Envoy's safe_regex semantics). */
export function fullMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = ignoreCase ? `i:${pattern}` : `s:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    if (cache.size >= MAX_CACHED) cache.clear();
    re = RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    cache.set(key, re);
  }
  return re.testExact(value);
}
