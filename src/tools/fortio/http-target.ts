// The URL fortio calls, and the request it sends: headers from -H (Host may be overridden), a body from -payload.

import http from 'node:http';

export const FORTIO_VERSION = '1.69.5';
const USER_AGENT = `fortio.org/fortio-${FORTIO_VERSION}`;

export interface Target {
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
}

export function makeTarget(rawUrl: string, headerFlags: readonly string[], payload?: string): Target {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(rawUrl) ? rawUrl : `http://${rawUrl}`);
  if (url.protocol !== 'http:') throw new Error(`unsupported scheme in ${rawUrl} (only http:// is built in)`);
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
  for (const h of headerFlags) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new Error(`invalid extra header '${h}', expecting Key: Value`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  return payload === undefined ? { url, headers } : { url, headers, body: Buffer.from(payload) };
}

export function requestOptions(t: Target, agent: http.Agent | false): http.RequestOptions {
  return {
    host: t.url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(t.url.port || 80),
    path: `${t.url.pathname}${t.url.search}`,
    method: t.body ? 'POST' : 'GET',
    headers: t.body ? { ...t.headers, 'Content-Length': String(t.body.length) } : t.headers,
    agent,
  };
}

/** Size of the response head as it came on the wire: status line, header lines and the blank line. */
export function headSize(res: http.IncomingMessage): number {
  let n = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
  for (let i = 0; i < res.rawHeaders.length; i += 2) n += Buffer.byteLength(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`);
  return n;
}
