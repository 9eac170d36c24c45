// What httpbin reports about a request: its headers, query, origin, URL and body, in each flavour's shape.

import type { IncomingMessage } from 'node:http';
import type { Flavor } from './flavor.js';
import type { Json } from './json-format.js';

/**
 * Headers httpbin (Python) hides unless ?show_env=1: the ones its hosting added. Istio's task outputs
 * show them missing (no X-Request-Id, no X-Forwarded-Proto).
 */
const PYTHON_ENV_HEADERS = new Set([
  'x-varnish', 'x-request-start', 'x-heroku-queue-depth', 'x-real-ip', 'x-forwarded-proto', 'x-forwarded-protocol',
  'x-forwarded-ssl', 'x-heroku-queue-wait-time', 'x-forwarded-for', 'x-heroku-dynos-in-use', 'x-forwarded-port',
  'x-request-id', 'via', 'total-route-time', 'connect-time',
]);

/** Python's str.title() on a header name: every letter after a non-letter is upper-cased ("x-b3id" -> "X-B3Id"). */
export function pythonTitle(name: string): string {
  let out = '';
  let prevLetter = false;
  for (const c of name.replace(/_/g, '-')) {
    const letter = c.toLowerCase() !== c.toUpperCase();
    out += letter ? (prevLetter ? c.toLowerCase() : c.toUpperCase()) : c;
    prevLetter = letter;
  }
  return out;
}

/** Go's textproto.CanonicalMIMEHeaderKey: first letter and each letter after a hyphen upper-cased. */
export function goCanonical(name: string): string {
  if (/[^A-Za-z0-9!#$%&'*+\-.^_`|~]/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** Header name -> values, in arrival order, from the raw header list (Node joins duplicates otherwise). */
function rawHeaderValues(req: IncomingMessage): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i]!.toLowerCase();
    const list = out.get(k) ?? [];
    list.push(req.rawHeaders[i + 1]!);
    out.set(k, list);
  }
  return out;
}

export function requestHeaders(flavor: Flavor, req: IncomingMessage, showEnv = false): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const [k, values] of rawHeaderValues(req)) {
    if (flavor === 'python') {
      if (!showEnv && PYTHON_ENV_HEADERS.has(k)) continue;
      // WSGI folds repeated headers into one comma-joined value.
      out[pythonTitle(k)] = values.join(',');
    } else {
      const key = goCanonical(k);
      const prev = out[key];
      out[key] = [...(Array.isArray(prev) ? (prev as string[]) : []), ...values];
    }
  }
  return out;
}

/** Query or form fields: Python gives a string for one value and a list for several; Go always a list. */
export function multiValues(flavor: Flavor, pairs: Iterable<[string, string]>): { [k: string]: Json } {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of pairs) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  const out: { [k: string]: Json } = {};
  for (const [k, vs] of grouped) out[k] = flavor === 'go' || vs.length > 1 ? vs : vs[0]!;
  return out;
}

export function queryPairs(req: IncomingMessage): [string, string][] {
  const q = (req.url ?? '/').split('?')[1];
  return q === undefined ? [] : [...new URLSearchParams(q)];
}

export function requestPath(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]!;
}

export function origin(flavor: Flavor, req: IncomingMessage): string {
  const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const xff = req.headers['x-forwarded-for'];
  const forwarded = Array.isArray(xff) ? xff.join(', ') : xff;
  if (forwarded === undefined || forwarded === '') return remote;
  // Python reports the whole X-Forwarded-For; Go its first entry.
  return flavor === 'python' ? forwarded : forwarded.split(',')[0]!.trim();
}

export function fullUrl(req: IncomingMessage): string {
  const proto = req.headers['x-forwarded-proto'] ?? 'http';
  return `${Array.isArray(proto) ? proto[0] : proto}://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface BodyFields {
  data: string;
  form: { [k: string]: Json };
  files: { [k: string]: Json };
  json: Json;
}

interface Part {
  name: string;
  filename: string | undefined;
  content: Buffer;
}

/** A multipart/form-data body's parts; a malformed body yields what could be read. */
export function multipartParts(body: Buffer, contentType: string): Part[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2]?.trim();
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const raw = body.subarray(start + 2, next - 2); // drop the CRLF after the delimiter and before the next
    const split = raw.indexOf('\r\n\r\n');
    if (split >= 0) {
      const head = raw.subarray(0, split).toString('utf8');
      const name = /name="([^"]*)"/i.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (name !== undefined) parts.push({ name, filename, content: raw.subarray(split + 4) });
    }
    at = next;
  }
  return parts;
}

/** A body as a string: UTF-8 text, or a base64 data URL when it is not valid UTF-8 (Python's json_safe). */
function pythonSafe(body: Buffer, contentType = 'application/octet-stream'): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
  if (Buffer.from(text, 'utf8').equals(body)) return text;
  return `data:${contentType};base64,${body.toString('base64')}`;
}

export function bodyFields(flavor: Flavor, req: IncomingMessage, body: Buffer): BodyFields {
  const contentType = String(req.headers['content-type'] ?? '');
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  const out: BodyFields = { data: '', form: {}, files: {}, json: null };
  const isForm = mime === 'application/x-www-form-urlencoded';
  const isMultipart = mime === 'multipart/form-data';
  if (isForm) out.form = multiValues(flavor, new URLSearchParams(body.toString('utf8')));
  if (isMultipart) {
    const parts = multipartParts(body, contentType);
    out.form = multiValues(flavor, parts.filter((p) => p.filename === undefined).map((p) => [p.name, p.content.toString('utf8')]));
    out.files = multiValues(flavor, parts.filter((p) => p.filename !== undefined).map((p) => [p.name, flavor === 'python' ? pythonSafe(p.content) : p.content.toString('utf8')]));
  }
  if (flavor === 'python') {
    // Flask consumes form bodies, so `data` stays empty for them; any body that parses as JSON is `json`.
    if (!isForm && !isMultipart) {
      out.data = pythonSafe(body);
      try {
        out.json = body.length ? (JSON.parse(body.toString('utf8')) as Json) : null;
      } catch {
        out.json = null;
      }
    }
    return out;
  }
  if (body.length === 0) return out;
  out.data = body.toString('utf8');
  if (mime === 'application/json') {
    out.json = JSON.parse(out.data) as Json; // a bad body is the caller's 400
  } else if (!isForm && !isMultipart && mime !== 'text/html' && mime !== 'text/plain') {
    // Go's base64.URLEncoding: URL-safe alphabet, with padding.
    out.data = `data:${mime || 'application/octet-stream'};base64,${body.toString('base64').replace(/\+/g, '-').replace(/\//g, '_')}`;
  }
  return out;
}
