// HTTP/1.x message heads: found and split without copying the body, headers kept as raw lines so
// forwarding rewrites only the few it must.

export const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

export interface Head {
  /** Request: method, target, version. Response: version, status, reason. */
  first: [string, string, string];
  /** Raw header lines without CRLF, and their lower-cased names. */
  lines: string[];
  names: string[];
  /** Bytes of the head including the final CRLFCRLF. */
  length: number;
}

/** Finds a complete head at the start of buf; undefined when more bytes are needed. Throws on garbage. */
export function parseHead(buf: Buffer, isRequest: boolean): Head | undefined {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0) {
    if (buf.length > MAX_HEAD) throw new HeadError(431, 'request header fields too large');
    return undefined;
  }
  const text = buf.toString('latin1', 0, end);
  const rows = text.split('\r\n');
  const startLine = rows[0]!;
  const a = startLine.indexOf(' ');
  const b = a < 0 ? -1 : startLine.indexOf(' ', a + 1);
  if (a < 0) throw new HeadError(400, 'bad start line');
  let first: [string, string, string];
  if (isRequest) {
    if (b < 0) throw new HeadError(400, 'bad request line');
    first = [startLine.slice(0, a), startLine.slice(a + 1, b), startLine.slice(b + 1)];
    if (!first[2].startsWith('HTTP/1.')) throw new HeadError(400, 'unsupported protocol');
  } else {
    first = [startLine.slice(0, a), b < 0 ? startLine.slice(a + 1) : startLine.slice(a + 1, b), b < 0 ? '' : startLine.slice(b + 1)];
    if (!first[0].startsWith('HTTP/1.') || !/^\d{3}$/.test(first[1])) throw new HeadError(502, 'bad status line');
  }
  const lines: string[] = [];
  const names: string[] = [];
  for (let i = 1; i < rows.length; i++) {
    const line = rows[i]!;
    const c = line.indexOf(':');
    if (c <= 0) throw new HeadError(400, 'bad header line');
    lines.push(line);
    names.push(line.slice(0, c).toLowerCase());
  }
  return { first, lines, names, length: end + 4 };
}

export function headerValue(h: Head, name: string): string | undefined {
  const i = h.names.indexOf(name);
  if (i < 0) return undefined;
  const line = h.lines[i]!;
  return line.slice(line.indexOf(':') + 1).trim();
}

export class HeadError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export type Framing = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

/** How a message's body ends. Requests without length or chunking have none; responses read to close. */
export function framingOf(h: Head, isRequest: boolean): Framing {
  const te = headerValue(h, 'transfer-encoding');
  if (te !== undefined && /(^|,)\s*chunked\s*$/i.test(te)) return { kind: 'chunked' };
  const cl = headerValue(h, 'content-length');
  if (cl !== undefined) {
    const n = Number(cl);
    if (!Number.isSafeInteger(n) || n < 0 || !/^\d+$/.test(cl)) throw new HeadError(isRequest ? 400 : 502, 'bad content-length');
    return n === 0 ? { kind: 'none' } : { kind: 'length', remaining: n };
  }
  return isRequest ? { kind: 'none' } : { kind: 'close' };
}
