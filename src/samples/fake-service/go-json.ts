// JSON as fake-service's Go encoder writes it. A parsed tree keeps key order and number text, so a body
// that is raw JSON (json.RawMessage in Go) comes back out unchanged apart from indentation, and strings
// are escaped the way encoding/json does (HTML-safe: <, > and & as \u003c, \u003e, \u0026).

export type JsonNode =
  | { kind: 'object'; entries: Array<[string, JsonNode]> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'literal'; raw: 'true' | 'false' | 'null' };

export const jsonString = (value: string): JsonNode => ({ kind: 'string', value });
export const jsonNumber = (value: number): JsonNode => ({ kind: 'number', raw: String(value) });
export const jsonObject = (entries: Array<[string, JsonNode]>): JsonNode => ({ kind: 'object', entries });
export const jsonArray = (items: JsonNode[]): JsonNode => ({ kind: 'array', items });

/** Strict JSON (RFC 8259) into a tree; throws SyntaxError with the offset of the problem. */
export function parseJson(text: string): JsonNode {
  const p = new Parser(text);
  p.space();
  const node = p.value();
  p.space();
  if (p.pos < text.length) p.fail('unexpected data after top-level value');
  return node;
}

/** Like Go's json.MarshalIndent(v, "", "  "). */
export function encodeIndented(node: JsonNode, indent = ''): string {
  switch (node.kind) {
    case 'string':
      return quote(node.value);
    case 'number':
    case 'literal':
      return node.raw;
    case 'array': {
      if (node.items.length === 0) return '[]';
      const inner = indent + '  ';
      return `[\n${node.items.map((i) => inner + encodeIndented(i, inner)).join(',\n')}\n${indent}]`;
    }
    case 'object': {
      if (node.entries.length === 0) return '{}';
      const inner = indent + '  ';
      const lines = node.entries.map(([k, v]) => `${inner}${quote(k)}: ${encodeIndented(v, inner)}`);
      return `{\n${lines.join(',\n')}\n${indent}}`;
    }
  }
}

/** A string literal as encoding/json writes it. */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A surrogate pair passes through; a lone half is invalid UTF-8 to Go, which writes U+FFFD.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += ch + s[i + 1]!;
        i++;
      } else out += '\ufffd';
    } else out += ch;
  }
  return out + '"';
}

/** Member of an object by name, matched as Go's decoder does: exact first, then case-insensitively. */
export function member(node: JsonNode, name: string): JsonNode | undefined {
  if (node.kind !== 'object') return undefined;
  let loose: JsonNode | undefined;
  for (const [k, v] of node.entries) {
    if (k === name) return v;
    if (loose === undefined && k.toLowerCase() === name.toLowerCase()) loose = v;
  }
  return loose;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new SyntaxError(`${message} at offset ${this.pos}`);
  }

  space(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }

  value(): JsonNode {
    const ch = this.text[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return { kind: 'string', value: this.string() };
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.number();
    for (const raw of ['true', 'false', 'null'] as const) {
      if (this.text.startsWith(raw, this.pos)) {
        this.pos += raw.length;
        return { kind: 'literal', raw };
      }
    }
    return this.fail(ch === undefined ? 'unexpected end of JSON input' : `invalid character ${JSON.stringify(ch)}`);
  }

  object(): JsonNode {
    const entries: Array<[string, JsonNode]> = [];
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail('expected object key');
      const key = this.string();
      this.space();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      this.space();
      entries.push([key, this.value()]);
      this.space();
      const ch = this.text[this.pos++];
      if (ch === '}') return { kind: 'object', entries };
      if (ch !== ',') this.fail('expected "," or "}"');
    }
  }

  array(): JsonNode {
    const items: JsonNode[] = [];
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      this.space();
      items.push(this.value());
      this.space();
      const ch = this.text[this.pos++];
      if (ch === ']') return { kind: 'array', items };
      if (ch !== ',') this.fail('expected "," or "]"');
    }
  }

  string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail('unterminated string');
      if (ch === '"') break;
      if (ch === '\\') this.pos += this.text[this.pos + 1] === 'u' ? 6 : 2;
      else if (ch < ' ') this.fail('control character in string');
      else this.pos++;
    }
    this.pos++;
    // The span is validated above; JSON.parse does the unescaping (and rejects bad escapes).
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      this.pos = start;
      return this.fail('invalid string escape');
    }
  }

  number(): JsonNode {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail('invalid number');
    this.pos += m[0].length;
    return { kind: 'number', raw: m[0] };
  }
}
