// URLs the way curl reads them: the scheme may be left out (http is
// assumed), dot segments are removed, non-ASCII bytes are percent-encoded on
// the wire but shown as typed in %{url_effective}.

import net from 'node:net';
import { CurlCode, CurlError } from './curl-error.js';

export type Scheme = 'http' | 'https';

export interface CurlUrl {
  scheme: Scheme;
  /** Credentials from user:password@, already percent-decoded. */
  user?: string;
  password?: string;
  /** Name or address to connect to; IPv6 without brackets. */
  host: string;
  /** Host as it appears in a URL or Host header; IPv6 in brackets. */
  hostLiteral: string;
  port: number;
  portGiven: boolean;
  /** Request target: path plus query, percent-encoded. */
  target: string;
  /** What %{url_effective} shows. */
  effective: string;
}

export const DEFAULT_PORTS: Record<Scheme, number> = { http: 80, https: 443 };

/** Schemes curl guesses from a host-name prefix when none is given. */
const GUESSED_SCHEMES: Array<[string, string]> = [
  ['ftp.', 'ftp'],
  ['dict.', 'dict'],
  ['ldap.', 'ldap'],
  ['imap.', 'imap'],
  ['smtp.', 'smtp'],
  ['pop3.', 'pop3'],
];

const malformed = (): CurlError => new CurlError(CurlCode.URL_MALFORMAT, 'URL rejected: Malformed input to a URL function');
const badPort = (): CurlError =>
  new CurlError(CurlCode.URL_MALFORMAT, 'URL rejected: Port number was not a decimal number between 0 and 65535');

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Percent-encodes bytes outside printable ASCII, lowercase hex as curl writes it. */
function encodeNonAscii(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code > 0x20 && code < 0x7f) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** RFC 3986 section 5.2.4. */
export function removeDotSegments(path: string): string {
  const input = path.split('/');
  const output: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const seg = input[i] as string;
    const last = i === input.length - 1;
    if (seg === '.') {
      if (last) output.push('');
      continue;
    }
    if (seg === '..') {
      if (output.length > 1) output.pop();
      if (last) output.push('');
      continue;
    }
    output.push(seg);
  }
  const joined = output.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

function validHostName(host: string): boolean {
  return host.length > 0 && !/[\s<>\\^`{|}"'#?/@:%[\]\u0000-\u001f\u007f]/.test(host);
}

export function parseCurlUrl(input: string, pathAsIs = false): CurlUrl {
  if (/[\u0000-\u0020\u007f]/.test(input)) throw malformed();

  let rest = input;
  let scheme: string;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):(\/{1,3})/.exec(input);
  if (schemeMatch) {
    scheme = (schemeMatch[1] as string).toLowerCase();
    rest = input.slice(schemeMatch[0].length);
  } else {
    const lower = input.toLowerCase();
    scheme = GUESSED_SCHEMES.find(([prefix]) => lower.startsWith(prefix))?.[1] ?? 'http';
  }
  if (scheme !== 'http' && scheme !== 'https') {
    throw new CurlError(CurlCode.UNSUPPORTED_PROTOCOL, `Protocol "${scheme}" not supported or disabled in libcurl`);
  }

  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  let tail = authorityEnd === -1 ? '' : rest.slice(authorityEnd);

  let hostPort = authority;
  let userinfo: string | undefined;
  const at = authority.lastIndexOf('@');
  if (at !== -1) {
    userinfo = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
  }

  let hostLiteral: string;
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) throw new CurlError(CurlCode.URL_MALFORMAT, 'URL rejected: Bad IPv6 address');
    hostLiteral = hostPort.slice(0, close + 1);
    host = hostPort.slice(1, close).replace(/%25/, '%');
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new CurlError(CurlCode.URL_MALFORMAT, 'URL rejected: Bad IPv6 address');
    if (!net.isIPv6(host.replace(/%.*$/, ''))) throw new CurlError(CurlCode.URL_MALFORMAT, 'URL rejected: Bad IPv6 address');
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = hostPort.indexOf(':');
    hostLiteral = colon === -1 ? hostPort : hostPort.slice(0, colon);
    portText = colon === -1 ? undefined : hostPort.slice(colon + 1);
    host = decode(hostLiteral);
    if (host === '') throw new CurlError(CurlCode.URL_MALFORMAT, 'URL rejected: No host part in the URL');
    if (!validHostName(host)) throw new CurlError(CurlCode.URL_MALFORMAT, 'URL rejected: Bad hostname');
  }

  let port = DEFAULT_PORTS[scheme];
  const portGiven = portText !== undefined && portText !== '';
  if (portGiven) {
    if (!/^\d{1,5}$/.test(portText as string)) throw badPort();
    port = Number(portText);
    if (port > 65535) throw badPort();
  }

  let fragment = '';
  const hash = tail.indexOf('#');
  if (hash !== -1) {
    fragment = tail.slice(hash);
    tail = tail.slice(0, hash);
  }
  let query = '';
  const qmark = tail.indexOf('?');
  if (qmark !== -1) {
    query = tail.slice(qmark);
    tail = tail.slice(0, qmark);
  }
  let path = tail === '' ? '/' : tail;
  if (!pathAsIs) path = removeDotSegments(path);

  const url: CurlUrl = {
    scheme,
    host,
    hostLiteral,
    port,
    portGiven,
    target: encodeNonAscii(path) + encodeNonAscii(query),
    effective: `${scheme}://${userinfo !== undefined ? `${userinfo}@` : ''}${hostLiteral}${portGiven ? `:${portText}` : ''}${path}${query}${fragment}`,
  };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    url.user = decode(colon === -1 ? userinfo : userinfo.slice(0, colon));
    if (colon !== -1) url.password = decode(userinfo.slice(colon + 1));
  }
  return url;
}

/** The Host header value: the port is left out when it is the scheme's default. */
export function hostHeader(url: CurlUrl): string {
  return url.port === DEFAULT_PORTS[url.scheme] ? url.hostLiteral : `${url.hostLiteral}:${url.port}`;
}

/** Absolute URL for a Location header relative to the URL that returned it. */
export function resolveLocation(base: CurlUrl, location: string): string {
  try {
    return new URL(location, base.effective).href;
  } catch {
    throw malformed();
  }
}

/** Appends -G data to the query string. */
export function withQuery(url: string, extra: string): string {
  if (extra === '') return url;
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  return `${base}${base.includes('?') ? '&' : '?'}${extra}${fragment}`;
}
