// The headers of one request or response as filters see them, whatever codec carries them. The
// HTTP/1.1 view works on the head's raw lines, so lines no filter touches go out as the text that came
// in; the object view wraps node's header objects (HTTP/2, HTTP/1.0). Names are lower case.

export interface HeaderView {
  /** The first value of a header, or undefined. */
  get(name: string): string | undefined;
  has(name: string): boolean;
  /** Replaces every value of name with one. */
  set(name: string, value: string): void;
  /** Adds a value, keeping those already there. */
  add(name: string, value: string): void;
  remove(name: string): void;
  /** Every header value in order; pseudo-headers (":path") are not headers here. */
  forEach(fn: (name: string, value: string) => void): void;
}

/** Headers that describe one connection, not the message: never forwarded as they came. */
export const HOP_BY_HOP: readonly string[] = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade', 'http2-settings'];

export function removeHopByHop(h: HeaderView): void {
  for (const n of HOP_BY_HOP) h.remove(n);
}

/** Over an HTTP/1.x head's lines and their lower-cased names (as head.ts splits them); edits in place. */
export class RawHeaderView implements HeaderView {
  constructor(
    private readonly lines: string[],
    /** A removed line keeps its slot with the name "" so indexes stay valid and nothing is copied. */
    private readonly names: string[],
  ) {}

  get(name: string): string | undefined {
    const i = this.names.indexOf(name);
    return i < 0 ? undefined : valueOf(this.lines[i]!);
  }

  has(name: string): boolean {
    return this.names.indexOf(name) >= 0;
  }

  set(name: string, value: string): void {
    const i = this.names.indexOf(name);
    if (i < 0) {
      this.add(name, value);
      return;
    }
    this.lines[i] = `${name}: ${value}`;
    for (let j = this.names.indexOf(name, i + 1); j >= 0; j = this.names.indexOf(name, j + 1)) this.names[j] = '';
  }

  add(name: string, value: string): void {
    this.lines.push(`${name}: ${value}`);
    this.names.push(name);
  }

  remove(name: string): void {
    for (let i = this.names.indexOf(name); i >= 0; i = this.names.indexOf(name, i + 1)) this.names[i] = '';
  }

  forEach(fn: (name: string, value: string) => void): void {
    for (let i = 0; i < this.names.length; i++) if (this.names[i] !== '') fn(this.names[i]!, valueOf(this.lines[i]!));
  }

  /** The kept lines as HTTP/1.1 text, each ending in CRLF. */
  text(): string {
    let out = '';
    for (let i = 0; i < this.names.length; i++) if (this.names[i] !== '') out += `${this.lines[i]!}\r\n`;
    return out;
  }
}

export type HeaderRecord = Record<string, string | string[] | number | undefined>;

/** Over a node header object (request.headers, or one being built for writeHead); edits in place. */
export class ObjectHeaderView implements HeaderView {
  constructor(readonly record: HeaderRecord = {}) {}

  get(name: string): string | undefined {
    const v = this.record[name];
    return v === undefined ? undefined : Array.isArray(v) ? v[0] : String(v);
  }

  has(name: string): boolean {
    return this.record[name] !== undefined;
  }

  set(name: string, value: string): void {
    this.record[name] = value;
  }

  add(name: string, value: string): void {
    const v = this.record[name];
    this.record[name] = v === undefined ? value : Array.isArray(v) ? [...v, value] : [String(v), value];
  }

  remove(name: string): void {
    delete this.record[name];
  }

  forEach(fn: (name: string, value: string) => void): void {
    for (const k in this.record) {
      if (k.charCodeAt(0) === 58 /* ':' */) continue;
      const v = this.record[k];
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) fn(k, x);
      else fn(k, String(v));
    }
  }
}

/** Headers as HTTP/1.1 lines: the raw view's own text, or built from any other view. */
export function http1Text(h: HeaderView): string {
  if (h instanceof RawHeaderView) return h.text();
  let out = '';
  h.forEach((n, v) => (out += `${n}: ${v}\r\n`));
  return out;
}

/** Headers as a node header object (repeated names become arrays), leaving out `skip`. */
export function headerObject(h: HeaderView, skip?: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  h.forEach((n, v) => {
    if (n === skip) return;
    const prev = out[n];
    out[n] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  });
  return out;
}

function valueOf(line: string): string {
  return line.slice(line.indexOf(':') + 1).trim();
}
