// An HTTP server with httpbin's endpoints, in the shape of kennethreitz/httpbin ('python') or
// mccutchen/go-httpbin ('go'): the sample workload of Istio's traffic-management and security tasks.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Flavor } from './flavor.js';
import { formatJson, formatJsonLine, Ordered, type Json } from './json-format.js';
import { bodyFields, fullUrl, multiValues, origin, queryPairs, readBody, requestHeaders, requestPath } from './request-data.js';
import { chooseStatusCode, parseStatusCodes, statusResponse } from './status-codes.js';
import { parseGoDuration } from '../go-duration.js';

const MAX_DELAY_SECONDS = 10;
const MAX_STREAM_LINES = 100;
const PYTHON_MAX_BYTES = 100 * 1024;
const GO_MAX_BYTES = 1024 * 1024;

const BODY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

interface Ctx {
  flavor: Flavor;
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  method: string;
}

function jsonType(flavor: Flavor): string {
  return flavor === 'go' ? 'application/json; charset=utf-8' : 'application/json';
}

function send(ctx: Ctx, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  ctx.res.writeHead(status, { 'Content-Length': String(text.length), ...headers });
  ctx.res.end(text);
}

function sendJson(ctx: Ctx, value: Json | Ordered, status = 200): void {
  send(ctx, status, formatJson(ctx.flavor, value), { 'Content-Type': jsonType(ctx.flavor) });
}

/** A path segment percent-decoded, or undefined when it is malformed (a 400, not a 500). */
function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function badRequest(ctx: Ctx, detail: string): void {
  if (ctx.flavor === 'go') sendJson(ctx, new Ordered([['status_code', 400], ['error', 'Bad Request'], ['detail', detail]]), 400);
  else send(ctx, 400, detail, { 'Content-Type': 'text/html; charset=utf-8' });
}

function notFound(ctx: Ctx): void {
  if (ctx.flavor === 'go') sendJson(ctx, new Ordered([['status_code', 404], ['error', 'Not Found']]), 404);
  else send(ctx, 404, '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n', { 'Content-Type': 'text/html' });
}

function methodNotAllowed(ctx: Ctx, allowed: readonly string[]): void {
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  if (ctx.flavor === 'go') sendJson(ctx, new Ordered([['status_code', 405], ['error', 'Method Not Allowed']]), 405);
  else send(ctx, 405, '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n', { 'Content-Type': 'text/html', Allow: allow });
}

function redirect(ctx: Ctx, location: string, status = 302): void {
  // Flask's redirect() writes a small HTML page; go-httpbin an empty body.
  const body = ctx.flavor === 'python'
    ? `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to target URL: <a href="${location}">${location}</a>.  If not click the link.`
    : '';
  send(ctx, status, body, { Location: location, ...(body ? { 'Content-Type': 'text/html; charset=utf-8' } : {}) });
}

function args(ctx: Ctx): { [k: string]: Json } {
  return multiValues(ctx.flavor, queryPairs(ctx.req));
}

function headers(ctx: Ctx): { [k: string]: Json } {
  const showEnv = queryPairs(ctx.req).some(([k]) => k === 'show_env');
  return requestHeaders(ctx.flavor, ctx.req, showEnv);
}

/** /get and the other bodiless echoes. */
function noBodyEcho(ctx: Ctx): Json | Ordered {
  if (ctx.flavor === 'python') return { args: args(ctx), headers: headers(ctx), origin: origin('python', ctx.req), url: fullUrl(ctx.req) };
  return new Ordered([['args', args(ctx)], ['headers', headers(ctx)], ['method', ctx.method], ['origin', origin('go', ctx.req)], ['url', fullUrl(ctx.req)]]);
}

/** /post, /anything, /delay: the echo with the body's data, files, form and (but for Python's /delay) json. */
async function bodyEcho(ctx: Ctx, withMethod: boolean, withJson = true): Promise<Json | Ordered | undefined> {
  const raw = await readBody(ctx.req);
  let fields;
  try {
    fields = bodyFields(ctx.flavor, ctx.req, raw);
  } catch (err) {
    badRequest(ctx, `error parsing request body: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  if (ctx.flavor === 'python') {
    const out: { [k: string]: Json } = { args: args(ctx), data: fields.data, files: fields.files, form: fields.form, headers: headers(ctx), json: fields.json, origin: origin('python', ctx.req), url: fullUrl(ctx.req) };
    if (withMethod) out.method = ctx.method;
    if (!withJson) delete out.json;
    return out;
  }
  return new Ordered([
    ['args', args(ctx)], ['headers', headers(ctx)], ['method', ctx.method], ['origin', origin('go', ctx.req)], ['url', fullUrl(ctx.req)],
    ['data', fields.data], ['files', fields.files], ['form', fields.form], ['json', fields.json],
  ]);
}

function home(ctx: Ctx): void {
  const title = ctx.flavor === 'go' ? 'go-httpbin' : 'httpbin.org';
  const body = `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="UTF-8"><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<p>A simple HTTP Request &amp; Response Service.</p>\n<ul>\n${
    ['/get', '/post', '/anything', '/headers', '/ip', '/user-agent', '/uuid', '/status/:codes', '/delay/:n', '/response-headers', '/bytes/:n', '/stream/:n', '/cookies', '/redirect/:n', '/redirect-to?url=']
      .map((p) => `<li><code>${p}</code></li>`).join('\n')
  }\n</ul>\n</body>\n</html>\n`;
  send(ctx, 200, body, { 'Content-Type': 'text/html; charset=utf-8' });
}

function status(ctx: Ctx, raw: string): void {
  // Both read weights only from a list; a lone code must be a bare number ("503:1" is refused).
  const choices = !raw.includes(',') && !/^\d+$/.test(raw) ? undefined : parseStatusCodes(raw);
  if (!choices) {
    badRequest(ctx, 'Invalid status code');
    return;
  }
  const code = chooseStatusCode(choices);
  const extra = statusResponse(ctx.flavor, code);
  const type = extra.headers['Content-Type'] ?? (ctx.flavor === 'go' ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8');
  send(ctx, code, code === 204 || code === 304 ? '' : extra.body, { 'Content-Type': type, ...extra.headers });
}


/** Seconds in a Go duration ("1.5s", "300ms"), as go-httpbin takes them; undefined when malformed. */
function goSeconds(raw: string): number | undefined {
  try {
    return parseGoDuration(raw) / 1e9;
  } catch {
    return undefined;
  }
}

/** Python's float() of a path segment, or undefined where it raises. */
function pythonFloat(raw: string): number | undefined {
  const s = raw.trim();
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : undefined;
}

/** Flask's answer to an exception in a view. */
function internalError(ctx: Ctx): void {
  send(ctx, 500, '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.  Either the server is overloaded or there is an error in the application.</p>\n', { 'Content-Type': 'text/html' });
}

async function delay(ctx: Ctx, raw: string): Promise<void> {
  if (ctx.flavor === 'python') {
    // min(float(delay), 10) then time.sleep(): a word or a negative number raises, so Flask answers 500.
    const seconds = pythonFloat(raw);
    if (seconds === undefined || seconds < 0) {
      internalError(ctx);
      return;
    }
    const echo = await bodyEcho(ctx, false, false);
    if (echo === undefined || !(await waitOrClose(ctx, Math.min(seconds, MAX_DELAY_SECONDS) * 1000))) return;
    sendJson(ctx, echo);
    return;
  }
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : goSeconds(raw);
  if (seconds === undefined || !Number.isFinite(seconds)) {
    badRequest(ctx, `invalid duration: ${raw}`);
    return;
  }
  // go-httpbin refuses waits below 0 or over 10 s, where Python caps them.
  if (seconds < 0 || seconds > MAX_DELAY_SECONDS) {
    badRequest(ctx, `duration ${seconds}s longer than ${MAX_DELAY_SECONDS}s`);
    return;
  }
  const echo = await bodyEcho(ctx, false);
  if (echo === undefined) return;
  if (!(await waitOrClose(ctx, seconds * 1000))) return;
  ctx.res.setHeader('Server-Timing', `initial_delay;dur=${(seconds * 1000).toFixed(2)};desc="initial delay"`);
  sendJson(ctx, echo);
}

/** Waits, unless the client goes away first (then there is no one to answer). */
function waitOrClose(ctx: Ctx, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      ctx.res.off('close', onClose);
      resolve(true);
    }, ms);
    const onClose = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    ctx.res.once('close', onClose);
  });
}

function responseHeaders(ctx: Ctx): void {
  const pairs = queryPairs(ctx.req);
  if (ctx.flavor === 'go') {
    // go-httpbin adds its Content-Type to the args when none is asked for, so the echo shows it.
    if (!pairs.some(([k]) => k === 'Content-Type')) pairs.push(['Content-Type', jsonType('go')]);
    const out: Record<string, string[]> = {};
    for (const [k, v] of pairs) out[k] = [...(out[k] ?? []), v];
    for (const [k, v] of Object.entries(out)) ctx.res.setHeader(k, v);
    const body = formatJson('go', multiValues('go', pairs));
    ctx.res.setHeader('Content-Length', String(Buffer.byteLength(body)));
    ctx.res.writeHead(200);
    ctx.res.end(body);
    return;
  }
  // Python echoes its response's own headers, so the JSON is re-rendered until its Content-Length settles.
  const echoed: { [k: string]: Json } = { 'Content-Type': 'application/json', ...multiValues('python', pairs) };
  let body = '';
  for (let length = 0; ; ) {
    echoed['Content-Length'] = String(length);
    body = formatJson('python', echoed);
    if (Buffer.byteLength(body) === length) break;
    length = Buffer.byteLength(body);
  }
  ctx.res.setHeader('Content-Type', 'application/json');
  const grouped = new Map<string, string[]>();
  for (const [k, v] of pairs) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  for (const [k, vs] of grouped) ctx.res.setHeader(k, vs);
  ctx.res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  ctx.res.writeHead(200);
  ctx.res.end(body);
}

/** A small seeded generator (mulberry32): the same seed gives the same bytes. */
function seededBytes(n: number, seed: number): Buffer {
  let a = seed >>> 0;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

function bytes(ctx: Ctx, raw: string): void {
  const n = Number(raw);
  const max = ctx.flavor === 'go' ? GO_MAX_BYTES : Infinity;
  if (!/^\d+$/.test(raw) || n > max) {
    badRequest(ctx, `invalid byte count: ${raw}`);
    return;
  }
  const seedRaw = new URLSearchParams((ctx.req.url ?? '').split('?')[1] ?? '').get('seed');
  if (seedRaw !== null && !/^-?\d+$/.test(seedRaw)) {
    badRequest(ctx, `invalid seed: ${seedRaw}`);
    return;
  }
  const seed = seedRaw === null ? Math.floor(Math.random() * 2 ** 32) : Number(BigInt.asUintN(32, BigInt(seedRaw)));
  send(ctx, 200, seededBytes(ctx.flavor === 'python' ? Math.min(n, PYTHON_MAX_BYTES) : n, seed), { 'Content-Type': 'application/octet-stream' });
}

function stream(ctx: Ctx, raw: string): void {
  const n = Number(raw);
  if (!/^\d+$/.test(raw)) {
    badRequest(ctx, `invalid count: ${raw}`);
    return;
  }
  // Both cap the lines at 100; go-httpbin also sends at least one.
  const lines = Math.min(ctx.flavor === 'go' ? Math.max(n, 1) : n, MAX_STREAM_LINES);
  ctx.res.writeHead(200, { 'Content-Type': jsonType(ctx.flavor) });
  const url = fullUrl(ctx.req);
  const o = origin(ctx.flavor, ctx.req);
  for (let id = 0; id < lines; id++) {
    const line = ctx.flavor === 'python'
      ? new Ordered([['url', url], ['args', args(ctx)], ['headers', headers(ctx)], ['origin', o], ['id', id]])
      : new Ordered([['id', id], ['args', args(ctx)], ['headers', headers(ctx)], ['origin', o], ['url', url]]);
    ctx.res.write(formatJsonLine(ctx.flavor, line));
  }
  ctx.res.end();
}

function requestCookies(req: IncomingMessage): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function cookies(ctx: Ctx): void {
  // kennethreitz wraps them in {"cookies": ...}; go-httpbin sends the map itself.
  const all = requestCookies(ctx.req);
  sendJson(ctx, ctx.flavor === 'python' ? { cookies: all } : all);
}

function setCookies(ctx: Ctx, pairs: Array<[string, string]>): void {
  const suffix = ctx.flavor === 'python' ? '; Path=/' : '; HttpOnly';
  ctx.res.setHeader('Set-Cookie', pairs.map(([k, v]) => `${k}=${v}${suffix}`));
  redirect(ctx, '/cookies');
}

function deleteCookies(ctx: Ctx): void {
  const names = [...new Set(queryPairs(ctx.req).map(([k]) => k))];
  if (ctx.flavor === 'python') {
    ctx.res.setHeader('Set-Cookie', names.map((k) => `${k}=; Expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/`));
  } else {
    // go-httpbin keeps the given value and expires the cookie a year back.
    const q = new URLSearchParams((ctx.req.url ?? '').split('?')[1] ?? '');
    const expires = new Date(Date.now() - 365 * 24 * 3600 * 1000).toUTCString();
    ctx.res.setHeader('Set-Cookie', names.map((k) => `${k}=${q.get(k) ?? ''}; Expires=${expires}; Max-Age=0; HttpOnly`));
  }
  redirect(ctx, '/cookies');
}

function absoluteBase(ctx: Ctx): string {
  const u = new URL(fullUrl(ctx.req));
  return `${u.protocol}//${u.host}`;
}

function redirects(ctx: Ctx, kind: 'redirect' | 'relative-redirect' | 'absolute-redirect', raw: string): void {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1) {
    badRequest(ctx, `invalid redirect count: ${raw}`);
    return;
  }
  const absolute = kind === 'absolute-redirect' || (kind === 'redirect' && new URLSearchParams((ctx.req.url ?? '').split('?')[1] ?? '').get('absolute')?.toLowerCase() === 'true');
  const next = n === 1 ? '/get' : `/${absolute ? 'absolute-redirect' : 'relative-redirect'}/${n - 1}`;
  const location = absolute ? `${absoluteBase(ctx)}${next}` : next;
  // Python's relative-redirect answers with an empty body; the others go through Flask's redirect().
  if (kind !== 'relative-redirect') redirect(ctx, location);
  else send(ctx, 302, '', { Location: location, ...(ctx.flavor === 'python' ? { 'Content-Type': 'text/html; charset=utf-8' } : {}) });
}

function redirectTo(ctx: Ctx): void {
  const q = new URLSearchParams((ctx.req.url ?? '').split('?')[1] ?? '');
  const url = q.get('url');
  if (!url) {
    badRequest(ctx, 'missing required query parameter: url');
    return;
  }
  const rawCode = q.get('status_code');
  const code = rawCode === null ? 302 : Number(rawCode);
  if (!/^\d+$/.test(rawCode ?? '302') || code < 300 || code > 399) {
    // Python falls back to 302 for a code outside 3xx; Go refuses it.
    if (ctx.flavor === 'go') {
      badRequest(ctx, `invalid status code: ${rawCode}`);
      return;
    }
    send(ctx, 302, '', { Location: url, 'Content-Type': 'text/html; charset=utf-8' });
    return;
  }
  send(ctx, code, '', { Location: url, ...(ctx.flavor === 'python' ? { 'Content-Type': 'text/html; charset=utf-8' } : {}) });
}

/** Routes that take a method list: exact path -> allowed methods and handler. */
async function route(ctx: Ctx): Promise<void> {
  const { path, method } = ctx;
  const only = (allowed: readonly string[]): boolean => {
    if (allowed.includes(method) || (method === 'HEAD' && allowed.includes('GET'))) return true;
    methodNotAllowed(ctx, allowed);
    return false;
  };
  let m: RegExpExecArray | null;
  if (path === '/') {
    if (only(['GET'])) home(ctx);
  } else if (path === '/get') {
    if (only(['GET'])) sendJson(ctx, noBodyEcho(ctx));
  } else if (BODY_METHODS.includes(path.slice(1).toUpperCase()) && path === path.toLowerCase()) {
    if (only([path.slice(1).toUpperCase()])) {
      const echo = await bodyEcho(ctx, false);
      if (echo !== undefined) sendJson(ctx, echo);
    }
  } else if (path === '/anything' || path.startsWith('/anything/')) {
    const echo = await bodyEcho(ctx, true);
    if (echo !== undefined) sendJson(ctx, echo);
  } else if (path === '/headers') {
    if (only(['GET'])) sendJson(ctx, { headers: headers(ctx) });
  } else if (path === '/ip') {
    if (only(['GET'])) sendJson(ctx, { origin: origin(ctx.flavor, ctx.req) });
  } else if (path === '/user-agent') {
    if (only(['GET'])) sendJson(ctx, { 'user-agent': String(ctx.req.headers['user-agent'] ?? '') });
  } else if (path === '/uuid') {
    if (only(['GET'])) sendJson(ctx, { uuid: randomUUID() });
  } else if ((m = /^\/status\/([^/]+)$/.exec(path))) {
    const codes = decoded(m[1]!);
    if (codes === undefined) badRequest(ctx, 'Invalid status code');
    else status(ctx, codes);
  } else if ((m = /^\/delay\/([^/]+)$/.exec(path))) {
    await delay(ctx, m[1]!);
  } else if (path === '/response-headers') {
    if (only(['GET', 'POST'])) responseHeaders(ctx);
  } else if ((m = /^\/bytes\/([^/]+)$/.exec(path))) {
    if (only(['GET'])) bytes(ctx, m[1]!);
  } else if ((m = /^\/stream\/([^/]+)$/.exec(path))) {
    if (only(['GET'])) stream(ctx, m[1]!);
  } else if (path === '/cookies') {
    if (only(['GET'])) cookies(ctx);
  } else if (path === '/cookies/set') {
    if (only(['GET'])) setCookies(ctx, queryPairs(ctx.req));
  } else if ((m = /^\/cookies\/set\/([^/]+)\/([^/]*)$/.exec(path))) {
    const [k, v] = [decoded(m[1]!), decoded(m[2]!)];
    if (k === undefined || v === undefined) badRequest(ctx, 'Invalid cookie');
    else if (only(['GET'])) setCookies(ctx, [[k, v]]);
  } else if (path === '/cookies/delete') {
    if (only(['GET'])) deleteCookies(ctx);
  } else if ((m = /^\/(redirect|relative-redirect|absolute-redirect)\/([^/]+)$/.exec(path))) {
    if (only(['GET'])) redirects(ctx, m[1] as 'redirect' | 'relative-redirect' | 'absolute-redirect', m[2]!);
  } else if (path === '/redirect-to') {
    redirectTo(ctx);
  } else {
    notFound(ctx);
  }
}

export function createHttpbinServer(flavor: Flavor): Server {
  return createServer((req, res) => {
    const method = req.method ?? 'GET';
    // Both originals allow any origin, with credentials (CORS on every response).
    res.setHeader('Access-Control-Allow-Origin', typeof req.headers.origin === 'string' ? req.headers.origin : '*');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    // kennethreitz/httpbin is served by gunicorn, which names itself; Go's server sends no Server header.
    if (flavor === 'python') res.setHeader('Server', 'gunicorn/19.9.0');
    if (method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, PATCH, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '3600');
      const asked = req.headers['access-control-request-headers'];
      if (typeof asked === 'string') res.setHeader('Access-Control-Allow-Headers', asked);
      res.writeHead(200, { 'Content-Length': '0' });
      res.end();
      return;
    }
    const ctx: Ctx = { flavor, req, res, path: requestPath(req), method };
    route(ctx).catch((err: unknown) => {
      if (!res.headersSent) send(ctx, 500, `${err instanceof Error ? err.message : String(err)}\n`, { 'Content-Type': 'text/plain; charset=utf-8' });
      else res.destroy();
    });
  });
}
