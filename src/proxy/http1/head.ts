// HTTP/1.x message heads: found, checked against RFC 9112's message syntax and split without copying
// the body; headers stay raw lines so forwarding rewrites only the few it must. Anything two parsers
// could read two ways (request smuggling, RFC 9112 section 11.2) is refused here, before a byte goes
// upstream, with the status and response code details Envoy's HTTP/1 codec gives.

/** Envoy's max_request_headers_kb default: request line and header lines together. */
export const MAX_REQUEST_HEAD = 60 * 1024;
/** Envoy's MAX_RESPONSE_HEADERS_KB. */
export const MAX_RESPONSE_HEAD = 80 * 1024;
/** Envoy's max_headers_count default. */
export const MAX_HEADERS = 100;

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');
const LFCRLF = Buffer.from('\n\r\n');

/** Envoy's response code details for codec errors. */
export const CODEC_ERROR = 'http1.codec_error';

export interface Head {
  /** Request: method, target, version. Response: version, status, reason. */
  first: [string, string, string];
  /** Raw header lines without CRLF, and their lower-cased names. */
  lines: string[];
  names: string[];
  /** Bytes of the head including the final CRLFCRLF (and any empty lines before the start line). */
  length: number;
  /** Framing fields as received: Content-Length's first value and count; Transfer-Encoding's values joined with ",". */
  contentLength: string | undefined;
  contentLengths: number;
  transferEncoding: string | undefined;
  transferEncodings: number;
  hosts: number;
}

export class HeadError extends Error {
  constructor(readonly status: number, readonly details: string, message: string) {
    super(message);
  }
}

// RFC 9110 section 5.6.2 token: methods and field names.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9112 section 3.2 request-target: origin-form, absolute-form, asterisk-form (authority-form for CONNECT below).
// Visible ASCII only: a space, control or 8-bit byte in the target is refused, as Envoy's codec does.
const TARGET = /^(?:\/[\x21-\x7e]*|\*|[A-Za-z][A-Za-z0-9+.\-]*:\/\/[\x21-\x7e]*)$/;
const AUTHORITY_FORM = /^[\x21-\x7e]+$/;
const VERSION = /^HTTP\/\d\.\d$/;
// Bytes no head may carry (RFC 9112 sections 2.2 and 5.5): controls other than HTAB, and CR or LF
// outside a CRLF. One native scan of the head text finds them all.
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;
// The common case in one native pass each: a request or status line, and field lines that are all
// token ":" value with CRLF between. A head that fails them is checked rule by rule below for the
// exact fault; one that passes needs none of those checks.
const CLEAN_REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ (?:\/[\x21-\x7e]*|\*|[A-Za-z][A-Za-z0-9+.\-]*:\/\/[\x21-\x7e]*) HTTP\/\d\.\d$/;
const CLEAN_STATUS_LINE = /^HTTP\/\d\.\d \d{3}(?: [\t\x20-\x7e\x80-\xff]*)?$/;
const CLEAN_FIELDS = /^(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*(?:\r\n(?!$)|$))*$/;
// RFC 3986 authority characters (what Envoy's authority check allows in Host).
const HOST = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@[\]]*$/;

/**
 * Finds a complete head at the start of buf; undefined when more bytes are needed. Throws HeadError
 * for anything malformed or ambiguous (request statuses; responses always 502).
 */
export function parseHead(buf: Buffer, isRequest: boolean): Head | undefined {
  const fail = (status: number, details: string, message: string): HeadError => new HeadError(isRequest ? status : 502, details, message);
  const limit = isRequest ? MAX_REQUEST_HEAD : MAX_RESPONSE_HEAD;
  // RFC 9112 section 2.2: empty lines before the start line are ignored.
  let start = 0;
  while (buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  const end = buf.indexOf(CRLFCRLF, start);
  // A head whose lines end in bare LF never shows CRLFCRLF: refuse it now rather than wait for bytes
  // that never come. Without a CRLFCRLF before them, both patterns can only come from a bare LF. A
  // complete head is asked the same (only on its error paths) so that any split of the bytes gives
  // the same answer.
  const bareLF = (): boolean => {
    const at = Math.min(buf.indexOf(LFLF, start) >>> 0, buf.indexOf(LFCRLF, start) >>> 0);
    // (The terminator itself holds "\n\r\n" at end + 1: only patterns starting before it count.)
    return end < 0 ? at !== 0xffffffff : at < end;
  };
  if (end < 0) {
    if (bareLF()) throw fail(400, CODEC_ERROR, 'bare LF in head');
    if (buf.length > limit) throw fail(431, 'http1.headers_too_large', 'headers size exceeds limit');
    return undefined;
  }
  if (end + 4 > limit) throw bareLF() ? fail(400, CODEC_ERROR, 'bare LF in head') : fail(431, 'http1.headers_too_large', 'headers size exceeds limit');
  const text = buf.toString('latin1', start, end);
  const eol = text.indexOf('\r\n');
  const clean =
    (isRequest ? CLEAN_REQUEST_LINE : CLEAN_STATUS_LINE).test(eol < 0 ? text : text.slice(0, eol)) && (eol < 0 || CLEAN_FIELDS.test(text.slice(eol + 2)));
  const bad = clean ? null : FORBIDDEN.exec(text);
  if (bad) {
    if (bareLF()) throw fail(400, CODEC_ERROR, 'bare LF in head');
    // In the start line it is a malformed request line (http-parser's errors); in a field, invalid characters.
    const inStartLine = bad.index < eol >>> 0;
    throw fail(400, inStartLine ? CODEC_ERROR : 'http1.invalid_characters', 'invalid character in head');
  }
  const rows = text.split('\r\n');
  if (rows.length - 1 > MAX_HEADERS) throw fail(431, 'http1.too_many_headers', 'too many headers');
  const startLine = rows[0]!;
  const a = startLine.indexOf(' ');
  const b = a < 0 ? -1 : startLine.indexOf(' ', a + 1);
  let first: [string, string, string];
  let versionError: HeadError | undefined;
  if (isRequest) {
    // RFC 9112 section 3: method SP request-target SP HTTP-version, single spaces.
    if (a <= 0 || b < 0 || startLine.indexOf(' ', b + 1) >= 0) throw fail(400, CODEC_ERROR, 'bad request line');
    first = [startLine.slice(0, a), startLine.slice(a + 1, b), startLine.slice(b + 1)];
    if (!clean || first[0] === 'CONNECT') {
      if (!TOKEN.test(first[0])) throw fail(400, CODEC_ERROR, 'invalid method');
      if (!(first[0] === 'CONNECT' ? AUTHORITY_FORM : TARGET).test(first[1])) throw fail(400, CODEC_ERROR, 'invalid request target');
      if (!VERSION.test(first[2])) throw fail(400, CODEC_ERROR, 'invalid HTTP version');
    }
    // Envoy takes any other version for HTTP/1.0 and, without accept_http_10, answers 426; it never sends 505.
    if (first[2] !== 'HTTP/1.1' && first[2] !== 'HTTP/1.0') versionError = fail(426, 'low_version', 'unsupported HTTP version');
  } else {
    first = [a < 0 ? startLine : startLine.slice(0, a), b < 0 ? startLine.slice(a + 1) : startLine.slice(a + 1, b), b < 0 ? '' : startLine.slice(b + 1)];
    if (a < 0 || !VERSION.test(first[0]) || !/^\d{3}$/.test(first[1])) throw fail(502, CODEC_ERROR, 'bad status line');
  }
  const lines: string[] = [];
  const names: string[] = [];
  let contentLength: string | undefined;
  let contentLengths = 0;
  let transferEncoding: string | undefined;
  let transferEncodings = 0;
  let hosts = 0;
  for (let i = 1; i < rows.length; i++) {
    const line = rows[i]!;
    // RFC 9112 section 5.2: obs-fold (and whitespace before the first field) is refused, never passed on.
    const c = line.indexOf(':');
    const name = line.slice(0, c);
    if (!clean) {
      const c0 = line.charCodeAt(0);
      if (c0 === 0x20 || c0 === 0x09) throw fail(400, CODEC_ERROR, 'obsolete line folding');
      if (c <= 0) throw fail(400, CODEC_ERROR, 'header line without colon');
      // RFC 9112 section 5.1: no whitespace between field name and colon; names are tokens.
      if (!TOKEN.test(name)) throw fail(400, CODEC_ERROR, 'invalid header name');
    }
    const lower = name.toLowerCase();
    lines.push(line);
    names.push(lower);
    switch (lower) {
      case 'content-length':
        if (contentLengths++ === 0) contentLength = ows(line, c + 1);
        break;
      case 'transfer-encoding': {
        const v = ows(line, c + 1);
        transferEncoding = transferEncodings++ === 0 ? v : `${transferEncoding},${v}`;
        break;
      }
      case 'host':
        hosts++;
        // RFC 9112 section 3.2: more than one Host, or an invalid one, is a 400.
        if (isRequest && (hosts > 1 || !HOST.test(ows(line, c + 1)))) throw fail(400, 'http.invalid_authority', 'invalid host');
        break;
    }
  }
  if (versionError) throw versionError;
  return { first, lines, names, length: end + 4, contentLength, contentLengths, transferEncoding, transferEncodings, hosts };
}

/** A field value without its optional whitespace (SP and HTAB only: String.trim would also eat NBSP and others). */
function ows(line: string, from: number): string {
  let s = from;
  let e = line.length;
  while (s < e && (line.charCodeAt(s) === 0x20 || line.charCodeAt(s) === 0x09)) s++;
  while (e > s && (line.charCodeAt(e - 1) === 0x20 || line.charCodeAt(e - 1) === 0x09)) e--;
  return line.slice(s, e);
}

export function headerValue(h: Head, name: string): string | undefined {
  const i = h.names.indexOf(name);
  if (i < 0) return undefined;
  const line = h.lines[i]!;
  return ows(line, line.indexOf(':') + 1);
}

export type Framing = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

/**
 * How a message's body ends (RFC 9112 section 6.3), refusing every ambiguous case as Envoy does:
 * Content-Length with Transfer-Encoding (400, allow_chunked_length off), a transfer coding other
 * than exactly "chunked" (501), more than one Content-Length or an invalid one (400). Requests
 * without length or chunking have no body; responses read to close. Responses: 502 for all.
 */
export function framingOf(h: Head, isRequest: boolean): Framing {
  const status = (s: number): number => (isRequest ? s : 502);
  if (isRequest && h.first[0] === 'CONNECT') {
    // RFC 9110 section 9.3.6: a CONNECT body has no meaning; Envoy refuses one.
    if (h.transferEncoding !== undefined) throw new HeadError(501, 'http1.invalid_transfer_encoding', 'transfer encoding on CONNECT');
    if (h.contentLength !== undefined && h.contentLength !== '0') throw new HeadError(400, 'http1.body_disallowed', 'content length on CONNECT');
  }
  if (h.transferEncoding !== undefined) {
    if (h.contentLength !== undefined) {
      throw new HeadError(status(400), 'http1.content_length_and_chunked_not_allowed', "both 'Content-Length' and 'Transfer-Encoding' are set");
    }
    // Several Transfer-Encoding lines join into one list, which is then not just "chunked".
    if (h.transferEncodings > 1 || h.transferEncoding.toLowerCase() !== 'chunked') {
      throw new HeadError(status(501), 'http1.invalid_transfer_encoding', 'unsupported transfer encoding');
    }
    return { kind: 'chunked' };
  }
  if (h.contentLength !== undefined) {
    if (h.contentLengths > 1) throw new HeadError(status(400), CODEC_ERROR, 'multiple content-length headers');
    // Digits only (no sign, list or spaces), and small enough to count exactly.
    if (!/^\d{1,15}$/.test(h.contentLength)) throw new HeadError(status(400), CODEC_ERROR, 'invalid content-length');
    const n = Number(h.contentLength);
    return n === 0 ? { kind: 'none' } : { kind: 'length', remaining: n };
  }
  return isRequest ? { kind: 'none' } : { kind: 'close' };
}

/**
 * A response's framing given the request it answers (RFC 9112 section 6.3 rules 1 and 2): no body
 * after HEAD, 1xx, 204 and 304. Envoy refuses Transfer-Encoding on 1xx/204 and a non-zero
 * Content-Length on them; the Content-Length/Transfer-Encoding conflict is refused on every response.
 */
export function responseFraming(h: Head, status: number, headOnly: boolean): Framing {
  if (h.transferEncoding !== undefined && h.contentLength !== undefined) framingOf(h, false);
  if (status < 200 || status === 204) {
    if (h.transferEncoding !== undefined) throw new HeadError(502, 'http1.transfer_encoding_not_allowed', 'transfer encoding not allowed in 1xx or 204');
    if (h.contentLength !== undefined && h.contentLength !== '0') throw new HeadError(502, 'http1.content_length_not_allowed', 'content length not allowed in 1xx or 204');
    return { kind: 'none' };
  }
  if (headOnly || status === 304) return { kind: 'none' };
  return framingOf(h, false);
}

export type RequestRead =
  | { kind: 'more' }
  | { kind: 'request'; head: Head; framing: Framing }
  | { kind: 'reject'; error: HeadError };

/** Reads one request head from the start of buf: more bytes needed, a request and its framing, or a refusal. */
export function readRequest(buf: Buffer): RequestRead {
  try {
    const head = parseHead(buf, true);
    if (!head) return { kind: 'more' };
    return { kind: 'request', head, framing: framingOf(head, true) };
  } catch (err) {
    return { kind: 'reject', error: err instanceof HeadError ? err : new HeadError(400, CODEC_ERROR, (err as Error).message) };
  }
}
