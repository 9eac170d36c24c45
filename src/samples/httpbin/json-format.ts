// JSON text as each original writes it: Flask 1.0's jsonify (indent 2, keys sorted, non-ASCII escaped, and
// ", " as item separator, so each line ending in a comma has a trailing space) and
// Go's encoder with SetIndent("", "  ") (map keys sorted, struct fields in declaration order, HTML not escaped).
// Both end with a newline.

import type { Flavor } from './flavor.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A JSON object whose key order is kept as given (a Go struct); every other object has its keys sorted. */
export class Ordered {
  constructor(readonly fields: ReadonlyArray<readonly [string, Json | Ordered]>) {}
}

function sortKeys(v: Json | Ordered): Json {
  if (v instanceof Ordered) {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of v.fields) out[k] = sortKeys(x);
    return out;
  }
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    // Byte order, as both Python's sort and Go's map encoding compare strings.
    for (const k of Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = sortKeys(v[k]!);
    return out;
  }
  return v;
}

/** Pretty-printed, keys sorted, with a final newline: what jsonify and Go's indenting encoder write. */
export function formatJson(flavor: Flavor, v: Json | Ordered): string {
  const text = JSON.stringify(sortKeys(v), null, 2);
  // Strings never hold a raw newline, so every ",\n" is a separator.
  return `${escapeFor(flavor, flavor === 'python' ? text.replace(/,\n/g, ', \n') : text)}\n`;
}

/**
 * One line, keys in the order given (the /stream lines): Python's json.dumps without indent separates
 * with ", " and ": "; Go's Marshal with no spaces.
 */
export function formatJsonLine(flavor: Flavor, v: Json | Ordered): string {
  const sorted = sortKeys(v);
  return `${escapeFor(flavor, flavor === 'go' ? JSON.stringify(sorted) : pythonCompact(sorted))}\n`;
}

function pythonCompact(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(pythonCompact).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pythonCompact(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

function escapeFor(flavor: Flavor, text: string): string {
  // Python's json.dumps escapes every non-ASCII character by default.
  if (flavor === 'go') return text;
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
