// JSON laid out as Go's encoding/json writes decoded objects: keys sorted, and <, >, &,
// U+2028 and U+2029 escaped. kubectl's -o json and its jsonpath output both look like this.

/** Compact when indent is omitted, else one entry per line as json.MarshalIndent(v, "", indent). */
export function goJson(value: unknown, indent?: string): string {
  const text = JSON.stringify(sortKeys(value), null, indent) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
