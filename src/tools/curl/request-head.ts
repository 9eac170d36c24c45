// The request header block in curl's order: Host, Authorization, Range,
// User-Agent, Accept, Accept-Encoding, Referer, Cookie, the -H headers as
// typed, then Content-Length and Content-Type. A -H header replaces the
// built-in one of the same name; "Name:" removes it and "Name;" sends it
// empty.

import { hostHeader, type CurlUrl } from './curl-url.js';

export interface HeaderLine {
  name: string;
  value: string;
  /** Exactly what goes on the wire, without CRLF. */
  raw: string;
}

export interface RequestSpec {
  method: string;
  url: CurlUrl;
  userAgent: string | undefined;
  /** user:password for Basic auth, or a full Authorization value. */
  basicAuth?: string;
  bearer?: string;
  range?: string;
  referer?: string;
  cookie?: string;
  acceptEncoding?: string;
  accept: string;
  customHeaders: string[];
  /** Drop custom Host, Authorization and Cookie (redirect to another host). */
  otherHost: boolean;
  body?: Buffer;
  contentType?: string;
  /** Send "Expect: 100-continue" and hold the body back until the server agrees. */
  expectContinue: boolean;
}

interface CustomHeader {
  name: string;
  /** undefined: "Name:" with nothing after it, meaning remove. */
  line: string | undefined;
}

function parseCustom(raw: string): CustomHeader | undefined {
  const colon = raw.indexOf(':');
  if (colon > 0) {
    const name = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    return { name, line: value === '' ? undefined : raw };
  }
  if (raw.endsWith(';')) {
    const name = raw.slice(0, -1).trim();
    return name ? { name, line: `${name}:` } : undefined;
  }
  return undefined;
}

function line(name: string, value: string): HeaderLine {
  return { name, value, raw: `${name}: ${value}` };
}

function fromRaw(raw: string): HeaderLine {
  const colon = raw.indexOf(':');
  return { name: raw.slice(0, colon).trim(), value: raw.slice(colon + 1).trim(), raw };
}

export function buildHeaderLines(spec: RequestSpec): HeaderLine[] {
  const custom = spec.customHeaders
    .map(parseCustom)
    .filter((h): h is CustomHeader => h !== undefined)
    .filter((h) => !(spec.otherHost && /^(authorization|cookie|host)$/i.test(h.name)));
  const customFor = (name: string): CustomHeader | undefined =>
    custom.find((h) => h.name.toLowerCase() === name.toLowerCase());
  const builtIn = (name: string, value: string | undefined): HeaderLine[] =>
    value === undefined || customFor(name) ? [] : [line(name, value)];

  const lines: HeaderLine[] = [];
  const host = customFor('host');
  if (!host) lines.push(line('Host', hostHeader(spec.url)));
  else if (host.line !== undefined) lines.push(fromRaw(host.line));

  if (spec.basicAuth !== undefined) {
    lines.push(...builtIn('Authorization', `Basic ${Buffer.from(spec.basicAuth).toString('base64')}`));
  } else if (spec.bearer !== undefined) {
    lines.push(...builtIn('Authorization', `Bearer ${spec.bearer}`));
  }
  lines.push(...builtIn('Range', spec.range === undefined ? undefined : `bytes=${spec.range}`));
  lines.push(...builtIn('User-Agent', spec.userAgent || undefined));
  lines.push(...builtIn('Accept', spec.accept));
  lines.push(...builtIn('Accept-Encoding', spec.acceptEncoding));
  lines.push(...builtIn('Referer', spec.referer));
  lines.push(...builtIn('Cookie', spec.cookie));

  for (const h of custom) {
    if (h.line === undefined || h.name.toLowerCase() === 'host') continue;
    lines.push(fromRaw(h.line));
  }

  if (spec.body !== undefined) {
    lines.push(...builtIn('Content-Length', String(spec.body.length)));
    lines.push(...builtIn('Content-Type', spec.contentType));
    if (spec.expectContinue) lines.push(...builtIn('Expect', '100-continue'));
  }
  return lines;
}

/** The HTTP/1.x request head, CRLF-terminated. */
export function http1Head(spec: RequestSpec, lines: HeaderLine[], version: '1.0' | '1.1'): string {
  return `${spec.method} ${spec.url.target} HTTP/${version}\r\n${lines.map((l) => `${l.raw}\r\n`).join('')}\r\n`;
}

/** Headers that have no meaning in HTTP/2 and are not forwarded by curl. */
const CONNECTION_SPECIFIC = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);

/** HTTP/2 pseudo-headers and fields, in curl's order. */
export function http2Fields(spec: RequestSpec, lines: HeaderLine[]): Array<[string, string]> {
  const authority = lines.find((l) => l.name.toLowerCase() === 'host')?.value ?? hostHeader(spec.url);
  const fields: Array<[string, string]> = [
    [':method', spec.method],
    [':scheme', spec.url.scheme],
    [':authority', authority],
    [':path', spec.url.target],
  ];
  for (const l of lines) {
    const name = l.name.toLowerCase();
    if (CONNECTION_SPECIFIC.has(name)) continue;
    fields.push([name, l.value]);
  }
  return fields;
}
